import type {
  ClaimedTurn,
  HeartbeatAnswer,
  LoggedEvent,
  ReadOptions,
  StreamLog,
  TurnCredentials,
  TurnRecord,
  TurnStatus,
} from '../../ports/stream-log.port';
import { isTerminal } from '../../ports/stream-log.port';

interface TurnLog {
  record: TurnRecord;
  credentials: TurnCredentials | undefined;
  producer: string;
  heartbeatAt: number;
  listenedAt: number | undefined;
  stopRequested: boolean;
  events: LoggedEvent[];
  /** Readers waiting for the next event. */
  waiters: Set<() => void>;
  expiry: NodeJS.Timeout | undefined;
}

export interface MemoryStreamLogOptions {
  retentionMs: number;
  /** Oldest events are dropped beyond this many per turn (as Redis' MAXLEN does). */
  maxEvents: number;
  /**
   * Ended turns kept for replay at most (the earliest ended goes first). Without it a busy process
   * would hold every turn of the retention window: at 100 chats/s and 10 minutes, 60,000 turns.
   */
  maxEndedTurns?: number;
}

export const MEMORY_STREAM_LOG_MAX_ENDED_TURNS = 1000;

/**
 * The stream log of the embedded default (one process): the same contract as the Redis log, in a
 * map. Readers wait on a promise resolved by the next append, never on a timer loop.
 */
export class MemoryStreamLog implements StreamLog {
  readonly shared = false;
  private readonly turns = new Map<string, TurnLog>();
  /** Ended turns, earliest ended first (a Set keeps insertion order). */
  private readonly ended = new Set<string>();
  private readonly stopHandlers = new Set<(streamId: string) => void>();

  constructor(private readonly options: MemoryStreamLogOptions) {}

  async open(record: TurnRecord, credentials: TurnCredentials, producer: string, nowMs: number): Promise<void> {
    this.turns.set(record.stream_id, {
      record: { ...record },
      credentials,
      producer,
      heartbeatAt: nowMs,
      listenedAt: undefined,
      stopRequested: false,
      events: [],
      waiters: new Set(),
      expiry: undefined,
    });
  }

  async append(streamId: string, events: LoggedEvent[]): Promise<void> {
    const log = this.turns.get(streamId);
    if (!log || log.record.status !== 'running') return;
    log.events.push(...events);
    if (log.events.length > this.options.maxEvents) log.events.splice(0, log.events.length - this.options.maxEvents);
    this.wake(log);
  }

  async finish(streamId: string, producer: string, terminal: LoggedEvent, status: TurnStatus, nowMs: number): Promise<boolean> {
    const log = this.turns.get(streamId);
    if (!log || log.producer !== producer || log.record.status !== 'running') return false;
    log.events.push(terminal);
    log.record.status = status;
    log.record.ended_at = nowMs;
    log.credentials = undefined;
    log.expiry = setTimeout(() => this.forget(streamId), this.options.retentionMs);
    log.expiry.unref();
    this.wake(log);
    this.ended.add(streamId);
    const max = this.options.maxEndedTurns ?? MEMORY_STREAM_LOG_MAX_ENDED_TURNS;
    for (const earliest of this.ended) {
      if (this.ended.size <= max) break;
      this.forget(earliest);
    }
    return true;
  }

  async get(streamId: string): Promise<TurnRecord | undefined> {
    const log = this.turns.get(streamId);
    return log ? { ...log.record } : undefined;
  }

  async list(userId: string): Promise<TurnRecord[]> {
    return [...this.turns.values()]
      .filter((l) => l.record.user_id === userId)
      .map((l) => ({ ...l.record }))
      .sort((a, b) => b.started_at - a.started_at);
  }

  async *read(streamId: string, afterSeq: number, options: ReadOptions): AsyncIterable<LoggedEvent> {
    let next = afterSeq;
    for (;;) {
      const log = this.turns.get(streamId);
      if (!log || options.signal.aborted) return;
      for (const entry of log.events) {
        // The terminal event ends the read even when the reader had it already.
        if (entry.seq > next) {
          next = entry.seq;
          yield entry;
        }
        if (isTerminal(entry.event)) return;
      }
      const woken = await this.waitForEvent(log, options.idleMs, options.signal);
      if (!woken && !options.signal.aborted && options.onIdle && (await options.onIdle())) return;
    }
  }

  async heartbeat(streamId: string, producer: string, nowMs: number): Promise<HeartbeatAnswer> {
    const log = this.turns.get(streamId);
    if (!log || log.producer !== producer || log.record.status !== 'running') return 'lost';
    log.heartbeatAt = nowMs;
    return log.stopRequested ? 'stop' : 'alive';
  }

  async markListened(streamId: string, nowMs: number): Promise<void> {
    const log = this.turns.get(streamId);
    if (log) log.listenedAt = nowMs;
  }

  async lastListened(streamId: string): Promise<number | undefined> {
    return this.turns.get(streamId)?.listenedAt;
  }

  async lapsed(beforeMs: number): Promise<string[]> {
    return [...this.turns.values()].filter((l) => l.record.status === 'running' && l.heartbeatAt < beforeMs).map((l) => l.record.stream_id);
  }

  async claim(streamId: string, producer: string, beforeMs: number): Promise<ClaimedTurn | undefined> {
    const log = this.turns.get(streamId);
    if (!log || log.record.status !== 'running' || log.heartbeatAt >= beforeMs) return undefined;
    log.producer = producer;
    log.heartbeatAt = Number.MAX_SAFE_INTEGER;
    return { record: { ...log.record }, credentials: log.credentials, events: [...log.events] };
  }

  async requestStop(streamId: string): Promise<void> {
    const log = this.turns.get(streamId);
    if (log) log.stopRequested = true;
    for (const handler of this.stopHandlers) handler(streamId);
  }

  onStopRequest(handler: (streamId: string) => void): () => void {
    this.stopHandlers.add(handler);
    return () => this.stopHandlers.delete(handler);
  }

  async close(): Promise<void> {
    for (const log of this.turns.values()) {
      clearTimeout(log.expiry);
      this.wake(log);
    }
    this.turns.clear();
    this.ended.clear();
  }

  private forget(streamId: string): void {
    clearTimeout(this.turns.get(streamId)?.expiry);
    this.turns.delete(streamId);
    this.ended.delete(streamId);
  }

  private wake(log: TurnLog): void {
    const waiters = [...log.waiters];
    log.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** True when an event (or the end) came, false after `idleMs` of silence or an abort. */
  private waitForEvent(log: TurnLog, idleMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const done = (woken: boolean): void => {
        clearTimeout(timer);
        log.waiters.delete(onEvent);
        signal.removeEventListener('abort', onAbort);
        resolve(woken);
      };
      const onEvent = (): void => done(true);
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), idleMs);
      log.waiters.add(onEvent);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
