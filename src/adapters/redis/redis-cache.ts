import type { Redis } from 'ioredis';
import type { Cache } from '../../ports/cache.port';
import type { Logger } from '../../ports/logger.port';

/** Bumped when the layout or encoding of cached values changes: old entries are then never read. */
export const CACHE_LAYOUT_VERSION = 'v1';

export interface RedisCacheOptions {
  /** First key segment (REDIS_KEY_PREFIX); keys are `<prefix>:v1:<key>`. */
  keyPrefix: string;
  /** Keys examined per SCAN round trip of `deleteByPrefix`. */
  scanCount?: number;
}

/** `*`, `?`, `[`, `]` and `\` are glob syntax in SCAN MATCH: a prefix must match literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The shared cache on the service's one ioredis client. Values are JSON with a TTL per entry
 * (`SET ... PX`). Every failure (Redis down, command timeout) rejects, for the cache-aside layer to
 * degrade on; a value that is not valid JSON is dropped and read as a miss.
 *
 * `deleteByPrefix` walks the keyspace with SCAN MATCH + UNLINK (never KEYS, which blocks Redis).
 * Chosen over a per-prefix generation counter because it keeps the read path at one GET and works
 * for any prefix; its cost (one round trip per `scanCount` keys) is paid only by rare, coarse
 * invalidations (all of one user's entries). Hot-path invalidations (a balance after each chat) are
 * exact-key deletes.
 */
export class RedisCache implements Cache {
  private readonly namespace: string;
  private readonly scanCount: number;

  constructor(
    private readonly client: Redis,
    options: RedisCacheOptions,
    private readonly logger: Logger,
  ) {
    this.namespace = `${options.keyPrefix}:${CACHE_LAYOUT_VERSION}:`;
    this.scanCount = options.scanCount ?? 500;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const redisKey = this.namespace + key;
    const raw = await this.client.get(redisKey);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      this.logger.warn({ key: redisKey }, 'unreadable cache entry dropped');
      await this.client.unlink(redisKey);
      return undefined;
    }
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) return;
    await this.client.set(this.namespace + key, json, 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
  }

  async delete(key: string): Promise<void> {
    await this.client.unlink(this.namespace + key);
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    const pattern = `${escapeGlob(this.namespace + prefix)}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', this.scanCount);
      if (keys.length > 0) await this.client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
