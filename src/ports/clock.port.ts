import { token } from './token';
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
  now(): Date;
  /**
   * Milliseconds on a clock that never steps, with sub-millisecond resolution; for durations only
   * (its zero is arbitrary). Many requests and upstream calls take under a millisecond, which
   * whole-millisecond wall-clock timestamps record as 0 (and a clock step as negative).
   */
  monotonicMs(): number;
}

export const CLOCK = token<Clock>('Clock');
