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
 * The right of one call to go out, and the way its outcome reaches the breaker. A call reports
 * once; only a stream reports twice: `success()` at its first token, then `failure()` if it breaks
 * later. Every other report after the first is ignored, so settling "just in case" is always safe.
 */
export interface BreakerPermit {
  /** True for the single call let through while half-open. */
  readonly probe: boolean;
  /** The upstream did its job. */
  success(): void;
  /** The upstream failed (5xx, 429, timeout, connection lost). */
  failure(): void;
  /** The upstream answered, without a verdict on its health (a 4xx, a contract error): it is up. */
  answered(): void;
  /** Nothing was learnt (the caller gave up): a probe frees its slot and the state stays as it was. */
  cancelled(): void;
}

type PermitStage = 'pending' | 'succeeded' | 'done';
type Outcome = 'success' | 'failure' | 'answered' | 'cancelled';

/**
 * One per upstream. Closed: calls pass, consecutive failures are counted. Open: calls fail at once
 * (a dead upstream costs a fast 503, not a pile of hanging requests). After `openMs`: half-open,
 * exactly one probe passes, and only its outcome moves the state: success (or any answer) closes
 * the circuit, failure opens it again, cancellation frees the slot for the next call.
 *
 * Each permit belongs to the period (closed, open or half-open stretch) it was issued in. Outcomes
 * of calls from an earlier period are ignored: a slow call that began before a trip cannot close
 * the open circuit, free the probe slot or count against a circuit closed since.
 *
 * Hand-written rather than opossum or cockatiel: both judge a call by one promise, while a chat
 * stream's outcome is known only after its headers (first token, or a failure mid-stream), and
 * neither lets a cancelled half-open call give the probe back without a verdict.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeOut = false;
  /** Bumped on every state change: a permit's outcome counts only within its own period. */
  private period = 0;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: Clock,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** A permit for one call, or undefined when the circuit refuses it (open, or the probe is out). */
  tryAcquire(): BreakerPermit | undefined {
    if (this.current === 'open') {
      if (this.clock.nowMs() - this.openedAt < this.options.openMs) return undefined;
      this.transition('half_open');
    }
    if (this.current === 'closed') return this.permit(false);
    if (this.probeOut) return undefined;
    this.probeOut = true;
    return this.permit(true);
  }

  /** Seconds until the next probe may go out, for `Retry-After`. */
  retryAfterSeconds(): number {
    if (this.current !== 'open') return 1;
    return Math.max(1, Math.ceil((this.openedAt + this.options.openMs - this.clock.nowMs()) / 1000));
  }

  private permit(probe: boolean): BreakerPermit {
    const call = { probe, period: this.period, stage: 'pending' as PermitStage };
    const report = (outcome: Outcome): void => {
      if (call.stage === 'done' || (call.stage === 'succeeded' && outcome !== 'failure')) return;
      call.stage = outcome === 'success' ? 'succeeded' : 'done';
      if (call.period !== this.period) return;
      if (call.probe) this.probeOutcome(call, outcome);
      else if (this.current === 'closed') this.closedOutcome(outcome);
    };
    return {
      probe,
      success: () => report('success'),
      failure: () => report('failure'),
      answered: () => report('answered'),
      cancelled: () => report('cancelled'),
    };
  }

  private probeOutcome(call: { probe: boolean; period: number }, outcome: Outcome): void {
    this.probeOut = false;
    if (outcome === 'cancelled') return;
    if (outcome === 'failure') {
      this.open();
      return;
    }
    this.failures = 0;
    this.transition('closed');
    // The probe lives on in the period it opened (a stream may still break after its first token).
    call.probe = false;
    call.period = this.period;
  }

  private closedOutcome(outcome: Outcome): void {
    if (outcome === 'success') this.failures = 0;
    if (outcome !== 'failure') return;
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) this.open();
  }

  private open(): void {
    this.openedAt = this.clock.nowMs();
    this.failures = 0;
    this.transition('open');
  }

  private transition(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    this.period += 1;
    this.options.onStateChange?.(state);
  }
}
