import type { Middleware } from 'koa';
import { onResponseEnd } from '../response-lifecycle';
import type { Clock } from '../../../ports/clock.port';
import type { Metrics } from '../../../ports/metrics.port';

/** Counts and times every request by route template (never the raw path) once it is over. */
export function requestMetrics(metrics: Metrics, clock: Clock): Middleware {
  return async (ctx, next) => {
    const started = clock.monotonicMs();
    let done = false;
    const record = (): void => {
      if (done) return;
      done = true;
      const status = ctx.res.headersSent ? ctx.res.statusCode : ctx.status;
      metrics.httpRequest(
        ctx.method,
        (ctx.state.routeTemplate as string | undefined) ?? 'unmatched',
        status,
        clock.monotonicMs() - started,
      );
      const code = ctx.state.errorCode as string | undefined;
      if (code) metrics.error(code);
    };
    onResponseEnd(ctx.res, 'request metrics', record);
    await next();
  };
}
