import type { Context } from 'koa';
import type { ResumedTurn } from '../../../application/streams/stream-access';
import type { ServiceLifecycle } from '../../../application/service/service-lifecycle';
import { AppError, isAppError } from '../../../domain/errors/app-error';
import type { Logger } from '../../../ports/logger.port';
import { ChatChunkFormatter, errorEvent } from './chat-chunks';
import { SseWriter } from './sse-writer';

export interface ResumeRelayOptions {
  logger: Logger;
  lifecycle: ServiceLifecycle;
  pingMs?: number;
  /** Aborts the read of the log (client gone, shutdown). */
  abort: (reason: Error) => void;
}

/**
 * Relays a resumed turn exactly as the original stream looked (same chunk id, `created`, event
 * ids), from the event after `Last-Event-ID` to `[DONE]`, with the same heartbeats. A shutdown of
 * this replica ends the resume with `SERVICE_SHUTTING_DOWN` (the turn goes on; resume elsewhere).
 */
export async function relayResumed(ctx: Context, resumed: ResumedTurn, options: ResumeRelayOptions): Promise<void> {
  const { record } = resumed;
  ctx.set('X-Conversation-Id', record.conversation_id);
  ctx.set('X-Branch-Id', record.branch_id);
  ctx.set('X-Stream-Id', record.stream_id);
  const writer = new SseWriter(ctx.res, options.pingMs);
  const chunks = new ChatChunkFormatter(record.completion_id, record.created, record, record.stream_id);
  const requestId = ctx.state.requestId as string;
  let shutdown = false;
  const unregister = options.lifecycle.registerStream(() => {
    shutdown = true;
    options.abort(new Error('server shutting down'));
  });
  // Headers go out now: a resume may wait long for its next event.
  writer.commit();
  try {
    for await (const entry of resumed.events) await writer.sendWithId(entry.seq, chunks.event(entry.event, requestId));
    if (shutdown) {
      ctx.state.errorCode = 'SERVICE_SHUTTING_DOWN';
      await writer.send(errorEvent('SERVICE_SHUTTING_DOWN', 'The service is restarting; resume the stream again to follow it.', requestId));
    }
  } catch (err) {
    const error = isAppError(err)
      ? err
      : new AppError('UPSTREAM_UNAVAILABLE', 'The stream log failed while following the turn; resume again', { cause: err });
    ctx.state.errorCode = error.code;
    options.logger.warn(
      { request_id: requestId, stream_id: record.stream_id, code: error.code, message: (err as Error).message },
      'resume failed',
    );
    await writer.send(errorEvent(error.code, error.message, requestId));
  } finally {
    unregister();
  }
  await writer.send('[DONE]');
  ctx.respond = false;
  writer.end();
}
