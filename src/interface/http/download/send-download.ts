import type { Context } from 'koa';
import type { Logger } from '../../../ports/logger.port';
import { onResponseEnd } from '../response-lifecycle';

export interface Download {
  contentType: string;
  /** ASCII file name offered to the browser. */
  filename: string;
  chunks: AsyncIterable<string>;
}

/** Resolves once the socket took `text` (at once, or after a `drain`), or the client is gone. */
export function write(res: Context['res'], text: string): Promise<void> {
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    // Assigned below; a response already over calls `done` during the subscription itself.
    let unsubscribe = (): void => undefined;
    const done = (): void => {
      res.off('drain', done);
      unsubscribe();
      resolve();
    };
    res.once('drain', done);
    unsubscribe = onResponseEnd(res, 'download drain wait', done);
  });
}

/**
 * Streams a download to the client piece by piece, honouring backpressure: the next piece is
 * pulled from the producer only after the socket accepted the previous one, so a slow client slows
 * the producer instead of filling memory. The first piece is pulled before anything is sent, so a
 * failure up to then is still a plain HTTP error. A failure after that cannot change the status:
 * the response is destroyed, and the client sees an incomplete transfer rather than a file that
 * looks whole.
 */
export async function sendDownload(ctx: Context, download: Download, logger: Logger): Promise<void> {
  const iterator = download.chunks[Symbol.asyncIterator]();
  let next = await iterator.next();
  const res = ctx.res;
  ctx.status = 200;
  ctx.set('Content-Type', download.contentType);
  ctx.set('Content-Disposition', `attachment; filename="${download.filename}"`);
  ctx.set('Cache-Control', 'no-store');
  ctx.respond = false;
  try {
    while (!next.done) {
      if (next.value !== '') await write(res, next.value);
      // The client is gone: nothing more is produced (no further conversation is fetched).
      if (res.destroyed) {
        await iterator.return?.();
        return;
      }
      next = await iterator.next();
    }
    res.end();
  } catch (err) {
    logger.warn({ request_id: ctx.state.requestId, err: { message: (err as Error).message } }, 'download failed after it started');
    res.destroy(err as Error);
  }
}
