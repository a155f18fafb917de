import type { Context } from 'koa';
import type { StreamingTurn } from '../../../application/chat/chat-turn';
import type { ServiceLifecycle } from '../../../application/service/service-lifecycle';
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
  lifecycle: ServiceLifecycle;
  pingMs?: number;
}

/**
 * Relays a turn to the client as OpenAI-compatible SSE. Headers go out with the first event (or
 * the first ping), so a failure before that is still a plain HTTP error with its status; after it,
 * a failure is an error event followed by `[DONE]` — never a silent end.
 */
export async function relayTurn(ctx: Context, turn: StreamingTurn, options: RelayOptions): Promise<void> {
  const { placement } = turn;
  ctx.set('X-Conversation-Id', placement.conversation_id);
  ctx.set('X-Branch-Id', placement.branch_id);
  const writer = new SseWriter(ctx.res, options.pingMs);
  const chunks = new ChatChunkFormatter(options.completionId, options.createdSeconds, placement);
  const { metrics, clock } = options;
  const started = clock.nowMs();
  let firstAt: number | null = null;
  let deltas = 0;
  let end: StreamEnd = 'completed';
  // A draining shutdown ends the turn through the request's abort signal: the model call stops and
  // the partial reply is saved as interrupted, then the client is told why the stream ended.
  let shutdown = false;
  const unregister = options.lifecycle.registerStream(() => {
    shutdown = true;
    (ctx.state.abortRequest as ((reason: Error) => void) | undefined)?.(new Error('server shutting down'));
  });
  metrics.streamStarted();
  try {
    for await (const event of turn.events) {
      if (event.type === 'delta') {
        deltas += 1;
        firstAt ??= clock.nowMs();
        await writer.send(chunks.delta(event.content));
      } else await writer.send(chunks.final(event));
    }
    if (shutdown) {
      end = 'aborted';
      ctx.state.errorCode = 'SERVICE_SHUTTING_DOWN';
      await writer.send(
        errorEvent(
          'SERVICE_SHUTTING_DOWN',
          'The service is restarting; the reply so far is saved. Retry to continue.',
          ctx.state.requestId as string,
        ),
      );
    } else if (writer.isClosed) end = 'aborted';
    await writer.send('[DONE]');
  } catch (err) {
    end = 'failed';
    if (!writer.isCommitted) {
      writer.dispose();
      throw err;
    }
    const error = toAppError(err);
    ctx.state.errorCode = error.code;
    options.logger.warn(
      { request_id: ctx.state.requestId, code: error.code, message: error.message, conversation_id: placement.conversation_id },
      'stream failed after it started',
    );
    await writer.send(errorEvent(error.code, error.message, ctx.state.requestId as string));
    await writer.send('[DONE]');
  } finally {
    unregister();
    metrics.streamEnded(end, clock.nowMs() - started, firstAt === null ? null : firstAt - started, deltas);
  }
  // From here on the response belongs to the stream, not to Koa.
  ctx.respond = false;
  writer.end();
}
