import type { Middleware } from 'koa';
import { onResponseEnd } from '../response-lifecycle';
import type { Clock } from '../../../ports/clock.port';
import type { RequestJournal } from '../../../ports/request-journal.port';

/** Not worth keeping: the journal itself, probes, scrapes and documentation assets. */
const NOT_RECORDED = /^\/(debug(\/.*)?|health(\/.*)?|live|ready|metrics|docs(\/.*)?|openapi\.json|favicon\.ico)$/;

/**
 * Development only: hands every finished request (for a stream, when it ends) to the journal. Only
 * what a replay needs is passed on — never a header, so never the Authorization.
 */
export function recordRequests(journal: RequestJournal, clock: Clock): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'OPTIONS' || NOT_RECORDED.test(ctx.path)) return next();
    const started = clock.nowMs();
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      const body = (ctx.request as { body?: unknown }).body;
      // The parser leaves `{}` on requests without a body: only a body that was sent is kept.
      const sent = ctx.req.headers['transfer-encoding'] !== undefined || Number(ctx.req.headers['content-length'] ?? 0) > 0;
      const hasBody = sent && body !== undefined;
      journal.record({
        requestId: ctx.state.requestId as string,
        startedAtMs: started,
        method: ctx.method,
        path: ctx.path,
        query: { ...ctx.query },
        route: ctx.state.routeTemplate as string | undefined,
        status: ctx.res.headersSent || ctx.res.writableEnded ? ctx.res.statusCode : ctx.status,
        durationMs: clock.nowMs() - started,
        userId: (ctx.state.user as { userId?: string } | undefined)?.userId,
        ...(hasBody ? { body } : {}),
      });
    };
    onResponseEnd(ctx.res, 'request journal', record);
    await next();
  };
}
