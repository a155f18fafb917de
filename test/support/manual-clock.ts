import type { Clock } from '../../src/ports/clock.port';

/** A clock that moves only when the test says so. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.UTC(2026, 0, 1, 12, 0, 0)) {}

  nowMs(): number {
    return this.ms;
  }

  now(): Date {
    return new Date(this.ms);
  }

  advanceMs(ms: number): void {
    this.ms += ms;
  }
}
