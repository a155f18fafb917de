import { token } from './token';
/**
 * Where rate-limit counters live. `redisClient` is the service's one ioredis connection, handed
 * to koa-ratelimit's Redis driver as is; while `isShared()` is false the interface falls back to a
 * per-process limiter.
 */
export interface RateLimitStore {
  readonly redisClient: unknown;
  isShared(): boolean;
}

/** Concurrently open chat streams per user. */
export interface StreamSlots {
  /** A release function, or null when the user already has `max` open streams. */
  acquire(userId: string, max: number): Promise<(() => Promise<void>) | null>;
}

export const RATE_LIMIT_STORE = token<RateLimitStore>('RateLimitStore');
export const STREAM_SLOTS = token<StreamSlots>('StreamSlots');
