import type { Readable } from 'node:stream';
import type { BreakerPermit } from '../http/circuit-breaker';
import { UpstreamDeadline } from '../http/upstream-client';

/** The deadlines of one streamed call (LLM_FIRST_TOKEN_TIMEOUT_MS, LLM_IDLE_TIMEOUT_MS, STREAM_TIMEOUT). */
export interface StreamDeadlines {
  /** Headers plus the first content delta of a stream. */
  firstTokenTimeoutMs: number;
  /** Silence between two chunks of a stream, once the first token arrived. */
  idleTimeoutMs: number;
  /** A whole stream. */
  totalTimeoutMs: number;
}

export type Deadline = 'first_token' | 'idle' | 'total';

/** After `[DONE]` only the end of the body is awaited, so the socket goes back to the pool; not for long. */
const DRAIN_AFTER_DONE_MS = 1_000;

/**
 * The deadlines of one streamed call and the one AbortController that ends it. Whatever ends it
 * (the caller's signal, a deadline) aborts the axios request and destroys the response body, so the
 * upstream socket is closed at once — also while the generator is suspended at a `yield`.
 */
export class StreamWatch {
  readonly controller = new AbortController();
  expired: Deadline | undefined;
  cancelled = false;
  gotFirstToken = false;
  private body: Readable | undefined;
  /** True while waiting on the upstream; idle time spent in the consumer's hands does not count. */
  private reading = false;
  private draining = false;
  private readonly total: NodeJS.Timeout;
  private firstToken: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private drain: NodeJS.Timeout | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly options: StreamDeadlines,
  ) {
    this.total = setTimeout(() => this.expire('total'), options.totalTimeoutMs);
    this.firstToken = setTimeout(() => this.expire('first_token'), options.firstTokenTimeoutMs);
    if (signal.aborted) this.onAbort();
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The breaker's permit of this call, judged at the first token (or a clean `[DONE]`), not at the headers. */
  permit: BreakerPermit | undefined;

  attach(body: Readable, permit: BreakerPermit): void {
    this.body = body;
    this.permit = permit;
    if (this.controller.signal.aborted) body.destroy();
  }

  /** The first event goes to the consumer: from now on silence is measured between chunks. */
  started(): void {
    if (this.gotFirstToken) return;
    this.gotFirstToken = true;
    this.permit?.success();
    clearTimeout(this.firstToken);
    this.firstToken = undefined;
    this.idle = setTimeout(() => {
      if (this.reading) this.expire('idle');
    }, this.options.idleTimeoutMs);
  }

  beforeRead(): void {
    this.reading = true;
    // A fired timer is re-armed by refresh(): the idle window starts when we start waiting.
    this.idle?.refresh();
  }

  afterRead(): void {
    this.reading = false;
  }

  /** `[DONE]` arrived: only the end of the body is awaited, and briefly. */
  done(): void {
    this.permit?.success();
    this.draining = true;
    this.clearDeadlines();
    this.drain = setTimeout(() => this.body?.destroy(), DRAIN_AFTER_DONE_MS);
  }

  /** Events of a chunk already read must not outlive an abort or a deadline (streamFailure says which). */
  throwIfStopped(): void {
    if (this.controller.signal.aborted) throw new Error('stream stopped');
  }

  get isDraining(): boolean {
    return this.draining;
  }

  dispose(): void {
    this.clearDeadlines();
    clearTimeout(this.drain);
    this.signal.removeEventListener('abort', this.onAbort);
    if (this.body && !this.body.readableEnded) this.body.destroy();
  }

  private clearDeadlines(): void {
    clearTimeout(this.total);
    clearTimeout(this.firstToken);
    clearTimeout(this.idle);
  }

  private readonly onAbort = (): void => {
    if (this.controller.signal.aborted) return;
    if (this.draining) {
      this.body?.destroy();
      return;
    }
    this.cancelled = true;
    this.stop();
  };

  private expire(deadline: Deadline): void {
    if (this.controller.signal.aborted || this.draining) return;
    this.expired = deadline;
    this.stop(new UpstreamDeadline(deadline));
  }

  /** A deadline is given as the abort reason, so the shared client counts it as the upstream's failure. */
  private stop(reason?: UpstreamDeadline): void {
    this.controller.abort(reason);
    this.body?.destroy();
  }
}
