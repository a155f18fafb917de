import { token } from './token';
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
  now(): Date;
}

export const CLOCK = token<Clock>('Clock');
