import { inject, injectable } from 'tsyringe';
import { isAppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../ports/id-generator.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { METRICS, type Metrics } from '../../ports/metrics.port';
import {
  STREAM_LOG,
  type LoggedEvent,
  type StopReason,
  type StreamLog,
  type TurnLogEvent,
  type TurnRecord,
  type TurnStatus,
} from '../../ports/stream-log.port';
import type { StreamingTurn, TurnPlacement } from '../chat/chat-turn';
import { SERVICE_LIFECYCLE, type ServiceLifecycle } from '../service/service-lifecycle';
import { LiveTurns } from './live-turns';
import { LogWriter } from './log-writer';
import { STREAM_OPTIONS, type DisconnectPolicy, type StreamOptions } from './stream-options';

/** An event of a recorded turn; a failure carries what was thrown, for the original connection. */
export type RecordedEvent = LoggedEvent & { cause?: unknown };

/**
 * A streamed turn with its stream id: its events are numbered and kept in the stream log. They come
 * in the batches the turn produced them in (never empty); the terminal event comes alone, last.
 */
export interface RecordedTurn {
  placement: TurnPlacement;
  stream_id: string;
  events: AsyncIterable<RecordedEvent[]>;
}

export interface RecordOptions {
  policy: DisconnectPolicy;
  /** Aborts when the client that started the turn goes away. */
  clientSignal: AbortSignal;
  completionId: string;
  createdSeconds: number;
}

const SHUTDOWN_MESSAGE = 'The service is restarting; the reply so far is saved. Retry to continue.';

function errorEventOf(err: unknown): TurnLogEvent {
  return isAppError(err)
    ? { type: 'error', code: err.code, message: err.message }
    : { type: 'error', code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' };
}

function statusOf(terminal: TurnLogEvent): TurnStatus {
  if (terminal.type === 'done') return 'completed';
  if (terminal.type === 'stopped') return terminal.reason === 'user' ? 'stopped' : 'interrupted';
  if (terminal.type === 'error' && terminal.code === 'SERVICE_SHUTTING_DOWN') return 'interrupted';
  return 'failed';
}

/**
 * Runs a streamed turn independently of the connection that started it: the model call follows the
 * turn's own abort controller (a stop from any replica, an orphaned turn, a shutdown, or — with the
 * `abort` policy — the client leaving), every event is numbered and appended to the stream log, a
 * heartbeat proves the producer alive, and the log always ends with exactly one terminal event.
 */
@injectable()
export class TurnRecorder {
  constructor(
    @inject(STREAM_LOG) private readonly log: StreamLog,
    @inject(LiveTurns) private readonly live: LiveTurns,
    @inject(STREAM_OPTIONS) private readonly options: StreamOptions,
    @inject(SERVICE_LIFECYCLE) private readonly lifecycle: ServiceLifecycle,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(METRICS) private readonly metrics: Metrics,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(user: UserContext, open: (signal: AbortSignal) => Promise<StreamingTurn>, opts: RecordOptions): Promise<RecordedTurn> {
    const controller = new AbortController();
    let stopReason: StopReason | undefined;
    const stop = (reason: StopReason): void => {
      if (controller.signal.aborted) return;
      stopReason = reason;
      controller.abort(new Error(`turn stopped (${reason})`));
    };
    let clientGoneAt: number | undefined;
    const onClientGone = (): void => {
      clientGoneAt = this.clock.nowMs();
      if (opts.policy === 'abort') stop('disconnected');
    };
    if (opts.clientSignal.aborted) onClientGone();
    else opts.clientSignal.addEventListener('abort', onClientGone, { once: true });

    let turn: StreamingTurn;
    try {
      turn = await open(controller.signal);
    } catch (err) {
      opts.clientSignal.removeEventListener('abort', onClientGone);
      throw err;
    }
    const streamId = this.ids.uuid();
    const producer = this.ids.uuid();
    const now = this.clock.nowMs();
    const record: TurnRecord = {
      stream_id: streamId,
      user_id: user.userId,
      ...turn.placement,
      completion_id: opts.completionId,
      created: opts.createdSeconds,
      started_at: now,
      status: 'running',
    };
    delete (record as Partial<TurnPlacement>).is_new_conversation;
    let logged = true;
    try {
      await this.log.open(record, { token: user.token }, producer, now);
    } catch (err) {
      logged = false;
      this.logger.warn(
        { stream_id: streamId, err: { message: (err as Error).message } },
        'stream log unavailable: this turn cannot be resumed',
      );
    }
    const writer = new LogWriter(this.log, streamId, this.logger, logged);

    const beat = async (): Promise<void> => {
      const at = this.clock.nowMs();
      const answer = writer.isWorking ? await this.log.heartbeat(streamId, producer, at).catch(() => 'alive' as const) : 'alive';
      if (answer === 'lost') {
        // Another replica took the turn over (this one looked dead): it saves and ends it.
        this.logger.warn({ stream_id: streamId }, 'turn claimed by another replica; stopping here');
        stop('orphaned');
        return;
      }
      if (answer === 'stop') {
        stop('user');
        return;
      }
      if (clientGoneAt === undefined) return;
      const listened = Math.max(clientGoneAt, (await this.log.lastListened(streamId).catch(() => at)) ?? 0);
      if (at - listened >= this.options.orphanMs) {
        this.metrics.streamTurn('orphaned');
        this.logger.info({ stream_id: streamId }, 'nobody listens to this turn any more: stopping it');
        stop('orphaned');
      }
    };
    const heartbeat = setInterval(() => void beat().catch(() => undefined), this.options.heartbeatMs);
    heartbeat.unref();
    const unregisterLive = this.live.add(streamId, stop);
    const unregisterShutdown = this.lifecycle.registerStream(() => stop('shutdown'));

    const finish = async (terminal: LoggedEvent): Promise<void> => {
      clearInterval(heartbeat);
      unregisterLive();
      unregisterShutdown();
      opts.clientSignal.removeEventListener('abort', onClientGone);
      if (!writer.isWorking) return;
      await writer.settled();
      await this.log
        .finish(streamId, producer, terminal, statusOf(terminal.event), this.clock.nowMs())
        .catch((err: unknown) =>
          this.logger.warn({ stream_id: streamId, err: { message: (err as Error).message } }, 'could not end the turn in the stream log'),
        );
    };

    async function* events(): AsyncGenerator<RecordedEvent[]> {
      let seq = 0;
      let terminal: LoggedEvent | undefined;
      try {
        for await (const batch of turn.events) {
          const entries: LoggedEvent[] = [];
          for (const event of batch) {
            seq += 1;
            const entry = { seq, event };
            if (event.type === 'done') terminal = entry;
            else writer.push(entry);
            entries.push(entry);
          }
          yield entries;
        }
        if (!terminal) {
          // The model call was cut short: say why, to every listener.
          const reason = stopReason ?? 'disconnected';
          seq += 1;
          terminal = {
            seq,
            event:
              reason === 'shutdown'
                ? { type: 'error', code: 'SERVICE_SHUTTING_DOWN', message: SHUTDOWN_MESSAGE }
                : { type: 'stopped', reason },
          };
          yield [terminal];
        }
      } catch (err) {
        seq += 1;
        terminal = { seq, event: errorEventOf(err) };
        yield [{ ...terminal, cause: err }];
      } finally {
        await finish(terminal ?? { seq: seq + 1, event: { type: 'stopped', reason: stopReason ?? 'disconnected' } });
      }
    }

    return { placement: turn.placement, stream_id: streamId, events: events() };
  }
}
