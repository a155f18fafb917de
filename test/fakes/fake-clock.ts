import type { Clock } from '../../src/ports/clock.port';

/** A clock that only moves when a test says so. */
export class FakeClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1, 12, 0, 0)) {}

  nowMs(): number {
    return this.ms;
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves with `advanceMs`, like the wall clock: durations are what the test advanced. */
  monotonicMs(): number {
    return this.ms;
  }

  nowSeconds(): number {
    return Math.floor(this.ms / 1000);
  }

  advanceMs(ms: number): void {
    this.ms += ms;
  }

  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }
}
