import { performance } from 'node:perf_hooks';
import type { Clock } from '../../ports/clock.port';

export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  now(): Date {
    return new Date();
  }

  monotonicMs(): number {
    return performance.now();
  }
}
