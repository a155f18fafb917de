import type { Redis } from 'ioredis';
import type { StreamSlots } from '../../ports/rate-limit-store.port';

/**
 * Open streams per user, shared by all replicas through Redis (INCR/DECR with a TTL so a crashed
 * replica cannot hold slots forever). When Redis fails, counting continues per process.
 */
export class RedisStreamSlots implements StreamSlots {
  private readonly local = new Map<string, number>();

  constructor(
    private readonly redis: Redis | undefined,
    private readonly ttlSeconds: number,
    /** REDIS_KEY_PREFIX: deployments sharing a Redis count their streams apart. */
    private readonly keyPrefix = 'acg',
  ) {}

  async acquire(userId: string, max: number): Promise<(() => Promise<void>) | null> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        const key = `${this.keyPrefix}:v1:streams:${userId}`;
        const [[, count]] = (await this.redis.multi().incr(key).expire(key, this.ttlSeconds).exec()) as [[unknown, number]];
        if (count > max) {
          await this.redis.decr(key);
          return null;
        }
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          await this.redis?.decr(key).catch(() => undefined);
        };
      } catch {
        // Redis failed mid-call: count in this process instead.
      }
    }
    return this.acquireLocal(userId, max);
  }

  private acquireLocal(userId: string, max: number): (() => Promise<void>) | null {
    const open = this.local.get(userId) ?? 0;
    if (open >= max) return null;
    this.local.set(userId, open + 1);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      const left = (this.local.get(userId) ?? 1) - 1;
      if (left <= 0) this.local.delete(userId);
      else this.local.set(userId, left);
    };
  }
}
