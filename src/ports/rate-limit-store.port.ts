import { token } from './token';
/** One limit: `max` hits per `duration` milliseconds for each id, counted under `namespace`. */
export interface LimiterSpec<C> {
  namespace: string;
  max: number;
  duration: number;
  id: (ctx: C) => string;
  headers: { remaining: string; reset: string; total: string };
}

/** A counting step of the HTTP pipeline: calls `next` when the hit is within the limit. */
export type CountingStep<C> = (ctx: C, next: () => Promise<void>) => Promise<unknown>;

/**
 * Where rate-limit counters are shared between replicas. The adapter builds the counting step
 * over its own connection (the interface never sees the client); while `isShared()` is false the
 * interface falls back to a per-process limiter.
 */
export interface RateLimitStore {
  /** A limiter counting in the shared store, or undefined when none is configured. */
  sharedLimiter<C>(spec: LimiterSpec<C>): CountingStep<C> | undefined;
  isShared(): boolean;
}

/** Concurrently open chat streams per user. */
export interface StreamSlots {
  /** A release function, or null when the user already has `max` open streams. */
  acquire(userId: string, max: number): Promise<(() => Promise<void>) | null>;
}

export const RATE_LIMIT_STORE = token<RateLimitStore>('RateLimitStore');
export const STREAM_SLOTS = token<StreamSlots>('StreamSlots');
