import type { ServerResponse } from 'node:http';
import { guardedFor, onResponseEnd } from '../response-lifecycle';

export const PING_INTERVAL_MS = 15_000;

/**
 * Above this many characters waiting to be written, `send` waits for the write (the socket's own
 * high-water mark): a producer faster than one tick cannot pile up text here.
 */
const MAX_PENDING_CHARS = 16 * 1024;

/**
 * Server-Sent Events on a raw Node response. Each event goes out in the tick it is produced (no
 * compression, no timer); `send` resolves once the socket accepted the bytes, so a slow client
 * slows the producer instead of growing memory. A `: ping` comment goes out after every `pingMs`
 * of silence so idle-timeout proxies keep the connection.
 *
 * Events produced in the same tick (a burst of deltas from one upstream read) are joined into one
 * `res.write`: Node writes every chunk of a chunked response as four socket writes, which cost
 * several times the relay's own work per token (bench, relay throughput scenario).
 */
export class SseWriter {
  private committed = false;
  private closed = false;
  private readonly ping: NodeJS.Timeout;
  private pending: string[] = [];
  private pendingChars = 0;
  private flushQueued = false;
  /** The socket refused more (until `drain`): sends wait. */
  private blocked = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    pingMs: number = PING_INTERVAL_MS,
  ) {
    // A timer's callback runs outside any request: a failure in it is reported, never thrown.
    this.ping = setTimeout(() => guardedFor(res, 'SSE ping', () => this.onSilence()), pingMs);
    this.ping.unref();
    onResponseEnd(res, 'SSE writer', () => this.dispose());
  }

  get isCommitted(): boolean {
    return this.committed;
  }

  /**
   * The client is gone, or the response was ended (by us or by anyone else): further writes are
   * dropped. A write after `end` would make the response emit an error nobody listens to, which
   * ends the process.
   */
  get isClosed(): boolean {
    return this.closed || this.res.destroyed || this.res.writableEnded;
  }

  /**
   * Fixes the status line and headers (once), which leave with the first write: one packet with
   * the first event instead of two. Headers already set on the response are kept.
   */
  commit(headers: Record<string, string> = {}): void {
    if (this.committed) return;
    this.committed = true;
    this.res.statusCode = 200;
    for (const [name, value] of Object.entries(headers)) this.res.setHeader(name, value);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.res.setHeader('Connection', 'keep-alive');
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.removeHeader('Content-Length');
  }

  /** One `data:` event with an already serialised payload. */
  send(payload: string): Promise<void> {
    return this.write(`data: ${payload}\n\n`);
  }

  /** One `data:` event with its `id:` (what a reconnecting client sends back as `Last-Event-ID`). */
  sendWithId(id: number, payload: string): Promise<void> {
    return this.write(`id: ${id}\ndata: ${payload}\n\n`);
  }

  /** Ends the stream (idempotent), after whatever is still waiting for its tick. */
  end(): void {
    const rest = this.takePending();
    this.dispose();
    if (!this.res.writableEnded && !this.res.destroyed) {
      if (rest) this.res.end(rest);
      else this.res.end();
    }
  }

  /** Stops the ping timer without ending the response (used when an error goes out as plain HTTP). */
  dispose(): void {
    this.closed = true;
    clearTimeout(this.ping);
    this.pending = [];
    this.pendingChars = 0;
    this.release();
  }

  private onSilence(): void {
    if (this.isClosed) return;
    this.commit();
    void this.write(': ping\n\n');
  }

  private write(text: string): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.commit();
    this.ping.refresh();
    this.pending.push(text);
    this.pendingChars += text.length;
    if (!this.flushQueued) {
      this.flushQueued = true;
      // After the current burst of promise jobs, before any I/O: no event waits longer than today.
      process.nextTick(this.flush);
    }
    if (!this.blocked && this.pendingChars < MAX_PENDING_CHARS) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    // While the socket is full, what arrives waits here; the drain writes it.
    if (this.blocked) return;
    const text = this.takePending();
    if (text === undefined || this.isClosed) {
      this.release();
      return;
    }
    if (this.res.write(text)) {
      this.release();
      return;
    }
    this.blocked = true;
    // Assigned below; a response already over calls `done` during the subscription itself.
    let unsubscribe = (): void => undefined;
    const done = (): void => {
      this.res.off('drain', done);
      unsubscribe();
      this.blocked = false;
      this.flush();
    };
    this.res.on('drain', done);
    unsubscribe = onResponseEnd(this.res, 'SSE drain wait', done);
  };

  private takePending(): string | undefined {
    if (this.pending.length === 0) return undefined;
    const text = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    return text;
  }

  private release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
