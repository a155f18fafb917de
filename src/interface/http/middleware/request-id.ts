import type { Middleware } from 'koa';
import type { IdGenerator } from '../../../ports/id-generator.port';

/** A caller's id is reused only when it is short and plain, so it is safe in logs and headers. */
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId(ids: IdGenerator): Middleware {
  return async (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    const id = SANE_ID.test(given) ? given : ids.uuid();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
