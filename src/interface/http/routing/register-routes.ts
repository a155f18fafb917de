import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { DependencyContainer } from 'tsyringe';
import { AppError } from '../../../domain/errors/app-error';
import { compileValidator, validationError, type CompiledValidator } from './request-validator';
import { successEnvelope } from '../envelope';
import { onResponseEnd } from '../response-lifecycle';
import { deprecationHeaders, requiresAuth, toRouterPath, type RouteReply, type RouteSpec } from './route-spec';

export type Authenticator = (ctx: Context) => Promise<unknown>;

function hasBody(ctx: Context): boolean {
  const h = ctx.req.headers;
  return h['transfer-encoding'] !== undefined || (h['content-length'] !== undefined && h['content-length'] !== '0');
}

function writeReply(ctx: Context, reply: RouteReply): void {
  if (reply.kind === 'handled') return;
  if (reply.headers) ctx.set(reply.headers);
  ctx.status = reply.status;
  ctx.body = reply.kind === 'envelope' ? successEnvelope(reply.data) : reply.body;
}

/**
 * The abort signal of a request: fires when the client goes away before the response is over. (A
 * draining shutdown stops streams through the service lifecycle, not through this signal.)
 */
function requestSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  onResponseEnd(ctx.res, 'abort signal', () => {
    if (!ctx.res.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

function routeMiddleware(spec: RouteSpec, container: DependencyContainer, authenticate: Authenticator): Middleware {
  const validators: { params?: CompiledValidator; query?: CompiledValidator; body?: CompiledValidator } = {
    params: spec.params && compileValidator(spec.params, 'path'),
    query: spec.query && compileValidator(spec.query, 'query'),
    body: spec.body && compileValidator(spec.body, 'body'),
  };
  const needsAuth = requiresAuth(spec);

  return async (ctx) => {
    ctx.state.routeTemplate = spec.path;
    if (spec.deprecated) ctx.set(deprecationHeaders(spec.deprecated));
    if (needsAuth) await authenticate(ctx);

    // Coercion happens in place, so validate copies the handler then reads.
    const params: Record<string, unknown> = { ...ctx.params };
    const query: Record<string, unknown> = { ...ctx.query };
    let body: unknown;
    if (validators.body) {
      if (hasBody(ctx) && !ctx.is('application/json', '+json')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json', {
          details: { received: ctx.get('Content-Type') || null },
        });
      }
      body = hasBody(ctx) ? (ctx.request as unknown as { body: unknown }).body : {};
    }
    const fields = [...(validators.params?.(params) ?? []), ...(validators.query?.(query) ?? []), ...(validators.body?.(body) ?? [])];
    if (fields.length > 0) throw validationError(fields);

    // The signal costs a controller and a close subscriber: made only for handlers that read it.
    let signal: AbortSignal | undefined;
    const reply = await spec.handler({
      params,
      query,
      body,
      user: ctx.state.user,
      requestId: ctx.state.requestId as string,
      container,
      get signal() {
        return (signal ??= requestSignal(ctx));
      },
      koa: ctx,
    });
    writeReply(ctx, reply);
  };
}

export function buildRouter(routes: readonly RouteSpec[], container: DependencyContainer, authenticate: Authenticator): Router {
  // One spelling per operation: case-sensitive, and a trailing slash is another path. `/V1/...` or
  // `/v1/models/` is a 404, never a second way in that the checks keyed on the path would miss.
  const router = new Router({ strict: true, sensitive: true });
  const seen = new Set<string>();
  for (const spec of routes) {
    const key = `${spec.method} ${spec.path}`;
    if (seen.has(key)) throw new Error(`Route declared twice: ${key}`);
    seen.add(key);
    router[spec.method](spec.operationId, spec.routerPath ?? toRouterPath(spec.path), routeMiddleware(spec, container, authenticate));
  }
  return router;
}

/**
 * Before anything else looks at the request: which operation the router will run (`ctx.state.route`),
 * so the limits use that operation's spec and never a pattern of the raw path.
 */
export function matchRoute(router: Router, routes: readonly RouteSpec[]): Middleware {
  const byName = new Map(routes.map((spec) => [spec.operationId, spec]));
  return (ctx, next) => {
    for (const layer of router.match(ctx.path, ctx.method).pathAndMethod) {
      const spec = layer.name ? byName.get(layer.name) : undefined;
      if (spec) {
        ctx.state.route = spec;
        break;
      }
    }
    return next();
  };
}

/**
 * After routing: a path nobody serves is 404, a known path with another method is 405 with
 * `Allow`, and a bare OPTIONS on a known path lists the methods.
 */
export function notFoundOrMethodNotAllowed(router: Router): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.state.routeTemplate !== undefined || ctx.body !== undefined || ctx.res.headersSent) return;
    const matched = router.match(ctx.path, ctx.method);
    const methods = new Set<string>();
    for (const layer of matched.path) for (const m of layer.methods) methods.add(m);
    if (methods.size === 0) {
      throw new AppError('NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
    }
    methods.add('OPTIONS');
    const allow = [...methods].join(', ');
    ctx.set('Allow', allow);
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    throw new AppError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}`, { details: { allow: [...methods] } });
  };
}
