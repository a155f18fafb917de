import type { Clock } from '../../ports/clock.port';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one probe request is let through. */
  openMs: number;
  onStateChange?: (state: BreakerState) => void;
}

/**
 * One per upstream. Closed: calls pass, consecutive failures are counted. Open: calls fail at once
 * (a dead upstream costs a fast 503, not a pile of hanging requests). After `openMs`: half-open,
 * exactly one probe passes; its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a call may go out now. A `true` in half-open state claims the single probe. */
  allow(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.clock.nowMs() - this.openedAt < this.options.openMs) return false;
      this.transition('half_open');
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probeInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  failure(): void {
    this.probeInFlight = false;
    if (this.current === 'half_open') {
      this.open();
      return;
    }
    this.failures += 1;
    if (this.current === 'closed' && this.failures >= this.options.failureThreshold) this.open();
  }

  /** A call that was allowed but ended in a way that says nothing about the upstream (e.g. a 4xx). */
  neutral(): void {
    if (this.current === 'half_open') this.success();
  }

  /** Seconds until the next probe may go out, for `Retry-After`. */
  retryAfterSeconds(): number {
    if (this.current !== 'open') return 1;
    return Math.max(1, Math.ceil((this.openedAt + this.options.openMs - this.clock.nowMs()) / 1000));
  }

  private open(): void {
    this.openedAt = this.clock.nowMs();
    this.failures = 0;
    this.transition('open');
  }

  private transition(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
