import type { Middleware } from 'koa';
import { performance } from 'node:perf_hooks';
import { onResponseEnd } from '../response-lifecycle';
import type { Metrics } from '../../../ports/metrics.port';

/**
 * Counts and times every request by route template (never the raw path) once it is over.
 * Timed on the monotonic high-resolution clock, not the wall clock: most requests take well under
 * a millisecond, which whole-millisecond timestamps would record as 0 (and a clock step as negative).
 */
export function requestMetrics(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    let done = false;
    const record = (): void => {
      if (done) return;
      done = true;
      const status = ctx.res.headersSent ? ctx.res.statusCode : ctx.status;
      metrics.httpRequest(ctx.method, (ctx.state.routeTemplate as string | undefined) ?? 'unmatched', status, performance.now() - started);
      const code = ctx.state.errorCode as string | undefined;
      if (code) metrics.error(code);
    };
    onResponseEnd(ctx.res, 'request metrics', record);
    await next();
  };
}
