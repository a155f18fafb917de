import type { Redis } from 'ioredis';
import ratelimit from 'koa-ratelimit';
import type { CountingStep, LimiterSpec, RateLimitStore } from '../../ports/rate-limit-store.port';

/**
 * Rate-limit counters in the service's one Redis connection, through koa-ratelimit's Redis driver
 * (it needs ioredis's `defineCommand`: see the ADR on one Redis client). Without a Redis there is
 * no shared limiter and the interface counts per process.
 */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly redis: Redis | undefined) {}

  sharedLimiter<C>(spec: LimiterSpec<C>): CountingStep<C> | undefined {
    if (!this.redis) return undefined;
    return ratelimit({ ...spec, driver: 'redis', db: this.redis, id: spec.id as never }) as unknown as CountingStep<C>;
  }

  isShared(): boolean {
    return this.redis?.status === 'ready';
  }
}
