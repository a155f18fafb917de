import type { Context, Middleware, Next } from 'koa';
import ratelimit from 'koa-ratelimit';
import type { Config } from '../../../config/config';
import { AppError } from '../../../domain/errors/app-error';
import type { Logger } from '../../../ports/logger.port';
import type { Metrics } from '../../../ports/metrics.port';
import type { RateLimitStore } from '../../../ports/rate-limit-store.port';
import { rateLimitClassOf, type EndpointClass, type RouteSpec } from '../routing/route-spec';

interface Limiter {
  redis?: Middleware;
  memory: Middleware;
  /** Entries of the per-process limiter, swept so a flood of ids cannot grow memory forever. */
  memoryDb: Map<string, { reset: number }>;
}

function limiter(store: RateLimitStore, namespace: string, max: number, durationMs: number, id: (ctx: Context) => string): Limiter {
  const headers = { remaining: 'RateLimit-Remaining', reset: 'RateLimit-Reset', total: 'RateLimit-Limit' };
  const memoryDb = new Map<string, { reset: number }>();
  const common = { duration: durationMs, max, id, headers, namespace };
  return {
    memoryDb,
    memory: ratelimit({ ...common, driver: 'memory', db: memoryDb as unknown as Map<unknown, unknown> }) as unknown as Middleware,
    redis: store.sharedLimiter<Context>(common) as Middleware | undefined,
  };
}

export interface RateLimitDeps {
  config: Config;
  store: RateLimitStore;
  metrics: Metrics;
  audit: Logger;
  logger: Logger;
}

/**
 * Runs one limiter: shared through Redis while it is available, per process otherwise (the API
 * stays up; metrics and one log line say so). koa-ratelimit's reset header is an epoch time; it
 * is rewritten to seconds-from-now as the RateLimit header fields specify.
 */
function runner(deps: RateLimitDeps) {
  const windowSeconds = deps.config.rateLimitWindowSeconds;
  let usingFallback = false;
  const fallback = (active: boolean): void => {
    if (active === usingFallback) return;
    usingFallback = active;
    deps.metrics.rateLimiterFallback(active);
    if (active) deps.logger.warn({}, 'rate limits fall back to per-process counters (Redis unavailable)');
    else deps.logger.info({}, 'rate limits shared through Redis again');
  };

  return async (ctx: Context, next: Next, l: Limiter, klass: string): Promise<void> => {
    let passed = false;
    const proceed = async (): Promise<void> => {
      passed = true;
      relativeReset(ctx, windowSeconds);
      await next();
    };
    const shared = l.redis !== undefined && deps.store.isShared();
    // Redis configured but not connected: per-process counting is the fallback, and must say so.
    if (l.redis !== undefined && !shared) fallback(true);
    try {
      await (shared ? l.redis! : l.memory)(ctx, proceed);
      if (shared) fallback(false);
    } catch (err) {
      if (passed || !shared) throw err;
      fallback(true);
      await l.memory(ctx, proceed);
    }
    if (passed) return;
    relativeReset(ctx, windowSeconds);
    const retryAfter = Number((ctx.state.rateLimit as { after?: number } | undefined)?.after ?? 1);
    deps.metrics.rateLimited(klass);
    deps.audit.warn(
      {
        event: 'rate_limited',
        class: klass,
        user_id: (ctx.state.user as { userId?: string } | undefined)?.userId,
        ip: ctx.ip,
        request_id: ctx.state.requestId,
        path: ctx.path,
      },
      'rate limit hit',
    );
    throw new AppError('RATE_LIMITED', 'Too many requests; retry after the time in Retry-After', {
      retryAfterSeconds: Math.min(windowSeconds, Math.max(1, retryAfter)),
      details: { class: klass, limit: Number(ctx.response.get('RateLimit-Limit')) || undefined },
    });
  };
}

/**
 * The memory driver's clock is `hrtime` anchored at start-up, so it drifts from `Date.now()`: the
 * result is kept within the window, where it always belongs.
 */
function relativeReset(ctx: Context, windowSeconds: number): void {
  const reset = Number(ctx.response.get('RateLimit-Reset'));
  if (reset > 1e9) ctx.set('RateLimit-Reset', String(Math.min(windowSeconds, Math.max(0, Math.ceil(reset - Date.now() / 1000)))));
}

function sweep(l: Limiter): void {
  const now = Date.now() / 1000;
  for (const [key, entry] of l.memoryDb) if (entry.reset < now) l.memoryDb.delete(key);
}

/** The operation the router will run for this request (`matchRoute`), if any. */
function classOf(ctx: Context) {
  const route = ctx.state.route as RouteSpec | undefined;
  return rateLimitClassOf(route ?? { method: ctx.method });
}

/**
 * One limit per request, never two: a caller with a valid token counts against their own limit for
 * the operation's class; anyone else (no token, a malformed one, one that failed verification)
 * against the limit of their IP, which also bounds token guessing. So colleagues behind one NAT, or
 * every user behind a proxy whose address is all the gateway sees, never share a budget.
 */
export interface RateLimiters {
  /** Per client IP, for requests without a valid token; after `identify`. */
  anonymous: Middleware;
  /** Per user and endpoint class (from the matched operation's spec), for requests with one. */
  perUser: Middleware;
  close(): void;
}

export function rateLimiters(deps: RateLimitDeps): RateLimiters {
  const { config } = deps;
  const windowMs = config.rateLimitWindowSeconds * 1000;
  const userId = (ctx: Context) => (ctx.state.user as { userId: string }).userId;
  // Under REDIS_KEY_PREFIX like the cache, so deployments (and test runs) sharing a Redis never share counters.
  const ns = (name: string) => `${config.redisKeyPrefix}:v1:rl:${name}`;
  const byIp = limiter(deps.store, ns('ip'), config.rateLimitAnonymous, windowMs, (ctx) => ctx.ip);
  const byClass: Record<EndpointClass, Limiter> = {
    chat: limiter(deps.store, ns('chat'), config.rateLimitChat, windowMs, userId),
    batch: limiter(deps.store, ns('batch'), config.rateLimitBatch, windowMs, userId),
    reads: limiter(deps.store, ns('reads'), config.rateLimitReads, windowMs, userId),
    writes: limiter(deps.store, ns('writes'), config.rateLimitWrites, windowMs, userId),
  };
  const run = runner(deps);
  // Background work: a failure is logged, never thrown out of the timer (and the process).
  const timer = setInterval(() => {
    try {
      [byIp, ...Object.values(byClass)].forEach(sweep);
    } catch (err) {
      deps.logger.error({ err }, 'rate-limit sweep failed');
    }
  }, windowMs);
  timer.unref();
  const off: Middleware = (_ctx, next) => next();
  if (!config.rateLimitEnabled) return { anonymous: off, perUser: off, close: () => clearInterval(timer) };
  return {
    anonymous: (ctx, next) => {
      if (ctx.state.user || ctx.method === 'OPTIONS' || classOf(ctx) === 'exempt') return next();
      return run(ctx, next, byIp, 'anonymous');
    },
    perUser: (ctx, next) => {
      const klass = classOf(ctx);
      if (!ctx.state.user || klass === 'exempt') return next();
      return run(ctx, next, byClass[klass], klass);
    },
    close: () => clearInterval(timer),
  };
}
