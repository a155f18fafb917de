import { inject, injectable } from 'tsyringe';
import type { ChatEvent, CompletedTurn, StreamingTurn } from './chat-turn';
import type { PreparedTurn } from './prepared-turn';
import { ReplyGenerator } from './reply-generator';

/** The one way to run a prepared turn: streamed (events as the model writes) or at once. */
@injectable()
export class TurnRunner {
  constructor(@inject(ReplyGenerator) private readonly replies: ReplyGenerator) {}

  stream(turn: PreparedTurn, signal: AbortSignal): StreamingTurn {
    const events = this.replies.stream(turn.request, signal);
    return { placement: turn.request.placement, events: turn.onAnswered ? answered(events, turn.onAnswered) : events };
  }

  async complete(turn: PreparedTurn, signal: AbortSignal): Promise<CompletedTurn> {
    const completed = await this.replies.complete(turn.request, signal);
    await turn.onAnswered?.();
    return completed;
  }
}

/**
 * Calls `onAnswered` before the final event (the client then reloads the right thread) or, when the
 * stream was cut after some text, after the partial reply was saved, since the user saw it. A model
 * that fails before its first token never calls it.
 */
async function* answered(events: AsyncIterable<ChatEvent[]>, onAnswered: () => Promise<void>): AsyncGenerator<ChatEvent[]> {
  let relayed = false;
  let called = false;
  try {
    for await (const batch of events) {
      // `done` is always the last event of the turn (ReplyGenerator), so the last of its batch.
      if (batch[batch.length - 1]?.type === 'done') {
        await onAnswered();
        called = true;
      } else relayed = true;
      yield batch;
    }
  } finally {
    if (relayed && !called) await onAnswered().catch(() => undefined);
  }
}
