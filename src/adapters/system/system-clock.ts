import type { Clock } from '../../ports/clock.port';

export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  now(): Date {
    return new Date();
  }
}
