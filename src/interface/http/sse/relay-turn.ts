import type { Context } from 'koa';
import type { RecordedTurn } from '../../../application/streams/turn-recorder';
import type { Clock } from '../../../ports/clock.port';
import type { Logger } from '../../../ports/logger.port';
import type { Metrics, StreamEnd } from '../../../ports/metrics.port';
import { toAppError } from '../middleware/error-handler';
import { ChatChunkFormatter, errorEvent } from './chat-chunks';
import { SseWriter } from './sse-writer';

export interface RelayOptions {
  completionId: string;
  createdSeconds: number;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  pingMs?: number;
}

/**
 * Relays a turn to the client as OpenAI-compatible SSE, each event with its `id:` (its place in the
 * turn, for `Last-Event-ID`). Headers go out with the first event (or the first ping), so a failure
 * before that is still a plain HTTP error with its status; after it, a failure is an error event
 * followed by `[DONE]` — never a silent end. When the client leaves, the loop keeps draining the
 * turn (which runs on, or stops, as the disconnect policy says) without writing.
 */
export async function relayTurn(ctx: Context, turn: RecordedTurn, options: RelayOptions): Promise<void> {
  const { placement } = turn;
  ctx.set('X-Conversation-Id', placement.conversation_id);
  ctx.set('X-Branch-Id', placement.branch_id);
  ctx.set('X-Stream-Id', turn.stream_id);
  const writer = new SseWriter(ctx.res, options.pingMs);
  const chunks = new ChatChunkFormatter(options.completionId, options.createdSeconds, placement, turn.stream_id);
  const { metrics, clock } = options;
  const started = clock.monotonicMs();
  const requestId = ctx.state.requestId as string;
  let firstAt: number | null = null;
  let deltas = 0;
  let end: StreamEnd = 'completed';
  metrics.streamStarted();
  try {
    for await (const batch of turn.events) {
      // The events of a batch are queued together and go out in one socket write; a full socket
      // holds the next batch back (every send of the batch resolves on the same drain).
      let sent: Promise<void> | undefined;
      for (const entry of batch) {
        const { event } = entry;
        if (event.type === 'delta') {
          deltas += 1;
          firstAt ??= clock.monotonicMs();
        } else if (event.type === 'error') {
          if (entry.cause !== undefined && !writer.isCommitted) throw entry.cause;
          end = event.code === 'SERVICE_SHUTTING_DOWN' ? 'aborted' : 'failed';
          ctx.state.errorCode = event.code;
          if (entry.cause !== undefined) {
            const error = toAppError(entry.cause);
            options.logger.warn(
              { request_id: requestId, code: error.code, message: error.message, conversation_id: placement.conversation_id },
              'stream failed after it started',
            );
            sent = writer.sendWithId(entry.seq, errorEvent(error.code, error.message, requestId));
            continue;
          }
        } else if (event.type === 'stopped') end = 'aborted';
        sent = writer.sendWithId(entry.seq, chunks.event(event, requestId));
      }
      await sent;
    }
    if (writer.isClosed && end === 'completed') end = 'aborted';
    await writer.send('[DONE]');
  } catch (err) {
    end = 'failed';
    writer.dispose();
    throw err;
  } finally {
    metrics.streamEnded(end, clock.monotonicMs() - started, firstAt === null ? null : firstAt - started, deltas);
  }
  // From here on the response belongs to the stream, not to Koa.
  ctx.respond = false;
  writer.end();
}
