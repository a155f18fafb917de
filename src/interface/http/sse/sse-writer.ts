import type { ServerResponse } from 'node:http';

export const PING_INTERVAL_MS = 15_000;

/**
 * Server-Sent Events on a raw Node response. Each event is written and flushed as it is produced
 * (no compression, no buffering); `send` resolves only once the socket accepted the bytes, so a
 * slow client slows the producer instead of growing memory. A `: ping` comment goes out after
 * every `pingMs` of silence so idle-timeout proxies keep the connection.
 */
export class SseWriter {
  private committed = false;
  private closed = false;
  private readonly ping: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    pingMs: number = PING_INTERVAL_MS,
  ) {
    this.ping = setTimeout(() => this.onSilence(), pingMs);
    this.ping.unref();
    res.once('close', () => this.dispose());
  }

  get isCommitted(): boolean {
    return this.committed;
  }

  /** The client is gone (or we ended): further writes are dropped. */
  get isClosed(): boolean {
    return this.closed || this.res.destroyed;
  }

  /** Sends the status line and headers (once); headers already set on the response are kept. */
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
    this.res.flushHeaders();
  }

  /** One `data:` event with an already serialised payload. */
  send(payload: string): Promise<void> {
    return this.write(`data: ${payload}\n\n`);
  }

  /** Ends the stream (idempotent). */
  end(): void {
    this.dispose();
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end();
  }

  /** Stops the ping timer without ending the response (used when an error goes out as plain HTTP). */
  dispose(): void {
    this.closed = true;
    clearTimeout(this.ping);
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
    if (this.res.write(text)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}
