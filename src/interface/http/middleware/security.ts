import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';
import type { Config } from '../../../config/config';
import { AppError } from '../../../domain/errors/app-error';

/** What helmet does to a response: the headers it sets and the ones it removes. */
interface HeaderEdits {
  set: [string, string | number | readonly string[]][];
  removed: string[];
}

/**
 * Runs a koa-helmet middleware once on a recording response: with a fixed policy (no nonces, no
 * per-request directive) its headers are the same for every response, so they are worked out at
 * start-up instead of by a dozen sub-middlewares on each request.
 */
async function recordHelmet(middleware: Middleware): Promise<HeaderEdits> {
  const edits: HeaderEdits = { set: [], removed: [] };
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => edits.set.push([name, value]),
    removeHeader: (name: string) => edits.removed.push(name),
    getHeader: () => undefined,
  };
  const ctx = { req: { headers: {}, method: 'GET', url: '/' }, res };
  await (middleware as unknown as (c: typeof ctx, next: () => Promise<void>) => Promise<void>)(ctx, async () => undefined);
  return edits;
}

/**
 * Security headers on every response. The CSP allows only same-origin scripts and styles
 * (Swagger UI's inline styles need 'unsafe-inline' for styles, never for scripts).
 */
export function securityHeaders(config: Config): Middleware {
  const recorded = recordHelmet(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: config.isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      crossOriginResourcePolicy: { policy: 'same-site' },
    }) as unknown as Middleware,
  );
  let edits: HeaderEdits | undefined;
  return async (ctx, next) => {
    edits ??= await recorded;
    for (const name of edits.removed) ctx.res.removeHeader(name);
    for (const [name, value] of edits.set) ctx.res.setHeader(name, value);
    await next();
  };
}

export const EXPOSED_HEADERS = [
  'X-Request-Id',
  'X-Conversation-Id',
  'X-Branch-Id',
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Content-Disposition',
];

/**
 * CORS for the origins of the allow-list only. A preflight from any other origin is refused with
 * 403 FORBIDDEN (the browser then never sends the real request, and the refusal is visible in its
 * console); a simple request from such an origin is served without any CORS header, so the browser
 * withholds the response from the page. Requests without `Origin` (servers, curl) are not CORS.
 */
export function corsFromAllowList(config: Config): Middleware {
  const allowed = new Set(config.corsOrigins);
  const any = allowed.has('*');
  const isAllowed = (origin: string) => any || allowed.has(origin);
  const corsHeaders = cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return origin && isAllowed(origin) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key'],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    keepHeadersOnError: true,
  });
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (ctx.method === 'OPTIONS' && origin && ctx.get('Access-Control-Request-Method') && !isAllowed(origin)) {
      ctx.vary('Origin');
      throw new AppError('FORBIDDEN', 'Cross-origin requests from this origin are not allowed', {
        details: { origin: origin.slice(0, 200) },
      });
    }
    await corsHeaders(ctx, next);
  };
}
