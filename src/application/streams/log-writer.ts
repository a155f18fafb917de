import type { Logger } from '../../ports/logger.port';
import type { LoggedEvent, StreamLog } from '../../ports/stream-log.port';

/**
 * Appends a turn's events to the stream log without ever making the relay wait: events produced in
 * the same tick (a burst of deltas from one upstream read) go out as one append, appends stay in
 * order, and a failed append (Redis down) stops logging this turn — the stream itself goes on.
 */
export class LogWriter {
  private pending: LoggedEvent[] = [];
  private queued = false;
  private chain: Promise<void> = Promise.resolve();
  private broken = false;

  constructor(
    private readonly log: StreamLog,
    private readonly streamId: string,
    private readonly logger: Logger,
    enabled: boolean,
  ) {
    this.broken = !enabled;
  }

  get isWorking(): boolean {
    return !this.broken;
  }

  push(event: LoggedEvent): void {
    if (this.broken) return;
    this.pending.push(event);
    if (this.queued) return;
    this.queued = true;
    process.nextTick(this.flush);
  }

  /** Resolves once everything pushed so far was appended (or logging broke). */
  async settled(): Promise<void> {
    this.flush();
    await this.chain;
  }

  private readonly flush = (): void => {
    this.queued = false;
    if (this.pending.length === 0 || this.broken) return;
    const batch = this.pending;
    this.pending = [];
    // Issued at once (one connection keeps commands in order); only the failure is awaited in turn.
    const appended = this.log.append(this.streamId, batch).catch((err: unknown) => {
      if (this.broken) return;
      this.broken = true;
      this.logger.warn(
        { stream_id: this.streamId, err: { message: (err as Error).message } },
        'stream log unavailable: this turn streams on but cannot be resumed',
      );
    });
    this.chain = this.chain.then(() => appended);
  };
}
