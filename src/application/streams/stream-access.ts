import { inject, injectable } from 'tsyringe';
import { AppError, isAppError, notFound } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { METRICS, type Metrics } from '../../ports/metrics.port';
import { STREAM_LOG, type LoggedEvent, type StreamLog, type TurnRecord } from '../../ports/stream-log.port';
import { LiveTurns } from './live-turns';
import { STREAM_OPTIONS, type StreamOptions } from './stream-options';
import { TurnClaimer } from './turn-claimer';

export interface ResumedTurn {
  record: TurnRecord;
  events: AsyncIterable<LoggedEvent>;
}

export interface StopResult {
  stream_id: string;
  /** The turn was running when the stop arrived (false: it had ended; nothing changed). */
  was_running: boolean;
  status: TurnRecord['status'];
}

/** A stream log that does not answer is an upstream outage, said clearly (503), never a hang. */
async function logCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new AppError('UPSTREAM_UNAVAILABLE', 'The stream log is unavailable; try again shortly', { cause: err });
  }
}

/** Resume, list and stop a user's streamed turns, on any replica that shares the stream log. */
@injectable()
export class StreamAccess {
  constructor(
    @inject(STREAM_LOG) private readonly log: StreamLog,
    @inject(LiveTurns) private readonly live: LiveTurns,
    @inject(TurnClaimer) private readonly claimer: TurnClaimer,
    @inject(STREAM_OPTIONS) private readonly options: StreamOptions,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(METRICS) private readonly metrics: Metrics,
  ) {}

  /** The turn's record when it is the user's; another user's, unknown or expired turn is 404 alike. */
  async owned(user: UserContext, streamId: string): Promise<TurnRecord> {
    const record = await logCall(() => this.log.get(streamId));
    if (!record || record.user_id !== user.userId) throw notFound('Stream');
    return record;
  }

  /**
   * Every event after `afterSeq`, then the live ones until the end. While it follows, the reader
   * counts as a listener (the turn is not orphaned) and checks the producer is alive: a lapsed turn
   * is claimed, which ends it with `STREAM_INTERRUPTED`.
   */
  async resume(user: UserContext, streamId: string, afterSeq: number, signal: AbortSignal): Promise<ResumedTurn> {
    const record = await this.owned(user, streamId);
    this.metrics.streamTurn('resumed');
    const running = record.status === 'running';
    if (running) await this.listened(streamId);
    if (running) await this.claimer.claimIfLapsed(streamId).catch(() => false);
    let lastMark = this.clock.nowMs();
    const source = this.log.read(streamId, afterSeq, {
      signal,
      idleMs: this.options.heartbeatMs,
      onIdle: async () => {
        lastMark = this.clock.nowMs();
        await this.listened(streamId);
        await this.claimer.claimIfLapsed(streamId).catch(() => false);
        return false;
      },
    });
    const clock = this.clock;
    const everyMs = this.options.heartbeatMs;
    const listened = (): Promise<void> => this.listened(streamId);
    async function* events(): AsyncGenerator<LoggedEvent> {
      for await (const entry of source) {
        // A steady stream never goes idle: say it is followed as often as the producer checks.
        if (running && clock.nowMs() - lastMark >= everyMs) {
          lastMark = clock.nowMs();
          void listened();
        }
        yield entry;
      }
    }
    return { record, events: events() };
  }

  async list(user: UserContext, conversationId?: string): Promise<TurnRecord[]> {
    const records = await logCall(() => this.log.list(user.userId));
    return conversationId ? records.filter((r) => r.conversation_id === conversationId) : records;
  }

  /**
   * Stops the turn wherever it runs: here directly, elsewhere through the log's stop channel; a
   * turn whose producer died is claimed instead. Stopping an ended turn changes nothing.
   */
  async stop(user: UserContext, streamId: string): Promise<StopResult> {
    const record = await this.owned(user, streamId);
    if (record.status !== 'running') return { stream_id: streamId, was_running: false, status: record.status };
    this.metrics.streamTurn('stopped');
    if (!this.live.stop(streamId, 'user')) {
      await logCall(() => this.log.requestStop(streamId));
      await this.claimer.claimIfLapsed(streamId).catch(() => false);
    }
    return { stream_id: streamId, was_running: true, status: 'stopped' };
  }

  private async listened(streamId: string): Promise<void> {
    await this.log.markListened(streamId, this.clock.nowMs()).catch(() => undefined);
  }
}
