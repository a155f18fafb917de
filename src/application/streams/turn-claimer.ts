import { inject, injectable } from 'tsyringe';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { METRICS, type Metrics } from '../../ports/metrics.port';
import { STREAM_LOG, type ClaimedTurn, type StreamLog } from '../../ports/stream-log.port';
import { STREAM_OPTIONS, type StreamOptions } from './stream-options';

export const STREAM_INTERRUPTED = 'STREAM_INTERRUPTED';

/**
 * Ends turns whose producer died (process killed, machine lost): the first replica to notice — a
 * resuming client, a stop request or the periodic sweep — claims the turn (atomic: once), saves the
 * text in the log as an interrupted reply, and ends the log with `STREAM_INTERRUPTED`.
 */
@injectable()
export class TurnClaimer {
  constructor(
    @inject(STREAM_LOG) private readonly log: StreamLog,
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(STREAM_OPTIONS) private readonly options: StreamOptions,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(METRICS) private readonly metrics: Metrics,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** True when this call claimed and ended the turn; false when it is alive, ended or someone else's claim. */
  async claimIfLapsed(streamId: string): Promise<boolean> {
    const producer = this.ids.uuid();
    const claimed = await this.log.claim(streamId, producer, this.clock.nowMs() - this.options.lapseMs);
    if (!claimed) return false;
    this.metrics.streamTurn('claimed');
    await this.save(claimed);
    const last = claimed.events.reduce((max, e) => Math.max(max, e.seq), 0);
    await this.log.finish(
      streamId,
      producer,
      {
        seq: last + 1,
        event: {
          type: 'error',
          code: STREAM_INTERRUPTED,
          message: 'The server producing this reply stopped; the text so far is saved. Retry to continue.',
        },
      },
      'interrupted',
      this.clock.nowMs(),
    );
    this.logger.warn({ stream_id: streamId, events: claimed.events.length }, 'claimed a turn whose producer stopped answering');
    return true;
  }

  /** Claims every lapsed turn it finds (the periodic sweep); never throws. */
  async sweep(): Promise<number> {
    let count = 0;
    try {
      for (const id of await this.log.lapsed(this.clock.nowMs() - this.options.lapseMs)) {
        if (await this.claimIfLapsed(id).catch(() => false)) count += 1;
      }
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'stream log sweep failed');
    }
    return count;
  }

  private async save(claimed: ClaimedTurn): Promise<void> {
    const { record, credentials } = claimed;
    const content = claimed.events.map((e) => (e.event.type === 'delta' ? e.event.content : '')).join('');
    if (content.length === 0) return;
    const input = {
      conversation_id: record.conversation_id,
      branch_id: record.branch_id,
      parent_id: record.user_message_id,
      content,
      model: record.model,
      interrupted: true,
    };
    try {
      if (!credentials) throw new Error('the owner token is no longer kept');
      const saved = await this.store.saveAssistantMessage({ userId: record.user_id, token: credentials.token }, input);
      this.logger.info(
        { event: 'assistant_message_saved_partial', message_id: saved.message_id, stream_id: record.stream_id, chars: content.length },
        'a partial reply was saved',
      );
    } catch (err) {
      this.logger.error(
        {
          event: 'assistant_message_save_failed',
          user_id: record.user_id,
          stream_id: record.stream_id,
          error: { message: (err as Error).message },
          replay: { operation: 'saveAssistantMessage', input },
        },
        'the reply could not be saved: replay it from this record',
      );
    }
  }
}
