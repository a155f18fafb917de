import type { Middleware } from 'koa';
import { onResponseEnd } from '../response-lifecycle';
import type { Clock } from '../../../ports/clock.port';
import type { Logger } from '../../../ports/logger.port';

/**
 * One structured line per request, written when the response is over (for a stream, when it
 * ends), with the route template rather than the raw path. Headers are never logged.
 */
export function requestLog(logger: Logger, clock: Clock): Middleware {
  return async (ctx, next) => {
    const started = clock.nowMs();
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      const status = ctx.res.headersSent || ctx.res.writableEnded ? ctx.res.statusCode : ctx.status;
      const fields = {
        request_id: ctx.state.requestId as string,
        method: ctx.method,
        route: (ctx.state.routeTemplate as string | undefined) ?? 'unmatched',
        status,
        duration_ms: clock.nowMs() - started,
        user_id: (ctx.state.user as { userId?: string } | undefined)?.userId,
        ip: ctx.ip,
        error_code: ctx.state.errorCode as string | undefined,
        aborted: !ctx.res.writableFinished,
      };
      if (status >= 500) logger.error(fields, 'request');
      else logger.info(fields, 'request');
    };
    onResponseEnd(ctx.res, 'request log', log);
    await next();
  };
}
