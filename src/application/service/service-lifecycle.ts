import { token } from '../../ports/token';
/**
 * Whether the process is draining (SIGTERM received) and what is still in flight. Readiness turns
 * false at once so the load balancer stops sending new requests while in-flight ones finish.
 */
export class ServiceLifecycle {
  private drainingSince: number | undefined;
  private requests = 0;
  private readonly streams = new Set<(reason: 'shutdown') => void>();

  startDraining(nowMs: number): void {
    this.drainingSince ??= nowMs;
  }

  get isDraining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Counts a request until the returned function is called. */
  requestStarted(): () => void {
    this.requests += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.requests -= 1;
    };
  }

  get inFlightRequests(): number {
    return this.requests;
  }

  /** A stream that can be told to end early; unregister when it is over. */
  registerStream(end: (reason: 'shutdown') => void): () => void {
    this.streams.add(end);
    return () => this.streams.delete(end);
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Asks every open stream to end now (each ends with an error event and `[DONE]`). */
  endAllStreams(): void {
    for (const end of [...this.streams]) end('shutdown');
  }
}

export const SERVICE_LIFECYCLE = token<ServiceLifecycle>('ServiceLifecycle');
