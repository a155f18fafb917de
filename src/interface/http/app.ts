import Koa from 'koa';
import type { DependencyContainer } from 'tsyringe';
import { SERVICE_LIFECYCLE, type ServiceLifecycle } from '../../application/service/service-lifecycle';
import { CONFIG, type Config } from '../../config/config';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from '../../ports/access-token-verifier.port';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import { AUDIT_LOGGER, LOGGER, type Logger } from '../../ports/logger.port';
import { METRICS, type Metrics } from '../../ports/metrics.port';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../ports/rate-limit-store.port';
import { REQUEST_JOURNAL, type RequestJournal } from '../../ports/request-journal.port';
import { authenticate, identify } from './middleware/authenticate';
import { warnOnIgnoredForwardedFor } from './middleware/forwarded-for-warning';
import { RUNTIME_WARNINGS } from '../../application/service/runtime-warnings';
import { jsonBodyParser } from './middleware/body-parser';
import { errorHandler } from './middleware/error-handler';
import { requestId } from './middleware/request-id';
import { requestLog } from './middleware/request-log';
import { rateLimiters } from './middleware/rate-limit';
import { requestMetrics } from './middleware/request-metrics';
import { compressJson } from './middleware/compress-json';
import { recordRequests } from './middleware/record-requests';
import { debugRoutes } from './routes/debug.routes';
import { corsFromAllowList, securityHeaders } from './middleware/security';
import { beginResponseLifecycle, onResponseEnd } from './response-lifecycle';
import { buildRouter, matchRoute, notFoundOrMethodNotAllowed } from './routing/register-routes';
import { isAuthenticatedPath, requiresAuth, type RouteSpec } from './routing/route-spec';
import { allRoutes } from './routes/all-routes';
import { containerDeps } from './routing/route-deps';

export interface AppOptions {
  /** Routes added beside the real ones (tests mount probes of the middleware this way). */
  extraRoutes?: RouteSpec[];
}

/**
 * The Koa application on the given container, without listening: tests run the real wiring on an
 * ephemeral port, `main.ts` adds the server and its lifecycle.
 */
export function createApp(container: DependencyContainer, options: AppOptions = {}): Koa {
  const config = container.resolve<Config>(CONFIG);
  const logger = container.resolve<Logger>(LOGGER);
  const audit = container.resolve<Logger>(AUDIT_LOGGER);
  const clock = container.resolve<Clock>(CLOCK);
  const verifier = container.resolve<AccessTokenVerifier>(ACCESS_TOKEN_VERIFIER);
  const auth = (ctx: Koa.Context) => authenticate(ctx, verifier, audit);

  // Development only: the request journal and its routes are never mounted in production.
  const journal =
    !config.isProduction && container.isRegistered(REQUEST_JOURNAL, true) ? container.resolve<RequestJournal>(REQUEST_JOURNAL) : undefined;
  const routes = [
    ...allRoutes(containerDeps(container)),
    ...(journal ? debugRoutes(containerDeps(container)) : []),
    ...(options.extraRoutes ?? []),
  ];
  const router = buildRouter(routes, container, auth);
  const app = new Koa({ proxy: config.trustProxy });
  // Errors are logged by the error middleware; Koa's own printer would log them twice.
  app.silent = true;

  const lifecycle = container.resolve<ServiceLifecycle>(SERVICE_LIFECYCLE);
  app.use(async (ctx, next) => {
    // One `close` listener per response; whatever must know when it is over subscribes to it, and a
    // subscriber that fails is logged here instead of throwing out of the event (and the process).
    beginResponseLifecycle(ctx.res, (err, subscriber) =>
      logger.error({ err, subscriber, request_id: ctx.state.requestId }, 'a response-end subscriber failed'),
    );
    onResponseEnd(ctx.res, 'in-flight count', lifecycle.requestStarted());
    // While draining, keep-alive clients are told to reconnect (to another replica).
    if (lifecycle.isDraining) ctx.set('Connection', 'close');
    await next();
  });
  app.use(requestId(container.resolve<IdGenerator>(ID_GENERATOR)));
  app.use(requestLog(logger, clock));
  app.use(requestMetrics(container.resolve<Metrics>(METRICS), clock));
  if (journal) app.use(recordRequests(journal, clock));
  // Outside the error handler, so large error bodies are compressed too; streams are never touched.
  app.use(compressJson());
  app.use(errorHandler(logger));
  app.use(securityHeaders(config));
  app.use(corsFromAllowList(config));
  const limits = rateLimiters({
    config,
    store: container.resolve<RateLimitStore>(RATE_LIMIT_STORE),
    metrics: container.resolve<Metrics>(METRICS),
    audit,
    logger,
  });
  app.use(warnOnIgnoredForwardedFor(config, container.resolve(RUNTIME_WARNINGS), logger, clock));
  // Who calls (a valid token or nobody) and which operation runs decide the one limit that applies:
  // per user and class with a valid token, per IP without one. Both before the body is read.
  app.use(async (ctx, next) => {
    await identify(ctx, verifier);
    await next();
  });
  app.use(matchRoute(router, routes));
  app.use(limits.anonymous);
  app.use(limits.perUser);
  // Uploads (`rawBody` operations) are streamed by their handler, with their own limit.
  const bodyParser = jsonBodyParser(config.bodyLimitBytes);
  app.use((ctx, next) => ((ctx.state.route as RouteSpec | undefined)?.rawBody ? next() : bodyParser(ctx, next)));
  // Everything under /v1 is authenticated before routing, so no /v1 route can be mounted without it
  // and an unknown /v1 path does not reveal to an anonymous caller that it does not exist.
  // The one exception: a capability URL (a share link's GET), whose id is the credential.
  app.use(async (ctx, next) => {
    const route = ctx.state.route as RouteSpec | undefined;
    const capability = route !== undefined && !requiresAuth(route) && (ctx.method === 'GET' || ctx.method === 'HEAD');
    if (isAuthenticatedPath(ctx.path) && ctx.method !== 'OPTIONS' && !capability) await auth(ctx);
    await next();
  });
  app.use(notFoundOrMethodNotAllowed(router));
  app.use(router.routes());
  return app;
}
