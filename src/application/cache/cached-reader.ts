import { inject, injectable } from 'tsyringe';
import { isUuid } from '../../domain/user/uuid';
import { CACHE, LOCAL_CACHE, type Cache } from '../../ports/cache.port';
import { CACHE_OBSERVER, type CacheObserver, type CacheOperation } from '../../ports/cache-observer.port';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { token } from '../../ports/token';

export interface CacheKindOptions {
  ttlSeconds: number;
  /**
   * User data: the key is the user id, optionally followed by `:<more>`. Such entries live under
   * `user:<id>:`, so one `invalidateUser` reaches all of them.
   */
  perUser?: boolean;
}

export interface CachedReaderOptions {
  /** Every kind of cached data with its TTL (`models`, `profile`, `balance`, ...). */
  kinds: Record<string, CacheKindOptions>;
  /** Longest wait for the shared cache on one operation; slower counts as down. */
  sharedTimeoutMs: number;
  /** While the shared cache is down, how long to go without it before trying it again. */
  retryDownMs: number;
}

export const CACHED_READER_OPTIONS = token<CachedReaderOptions>('CachedReaderOptions');

/** Invalidations that could not reach the shared cache during an outage, replayed on recovery. */
const MAX_PENDING_INVALIDATIONS = 10_000;

type SharedResult<T> = { ok: true; value: T } | { ok: false };

/**
 * Cache-aside for every cached read of the service:
 * - TTL per kind of data, keys namespaced by kind, user data keyed by user id;
 * - single-flight: concurrent misses of one key share ONE loader call;
 * - graceful degradation: when the shared cache (Redis) fails or is slow, answers come from the
 *   in-process LRU and the loader; the outage is logged once when it starts and once when it ends,
 *   and counted through the CacheObserver. Invalidations missed during the outage are replayed
 *   before the shared cache is trusted again, so a profile changed during an outage is not served
 *   stale afterwards.
 *
 * The in-process copy is written on every load but read only while the shared cache is down: with
 * several replicas, only the shared cache sees every invalidation.
 */
@injectable()
export class CachedReader {
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Bumped by every invalidation: a load that overlapped one is returned but not cached. */
  private epoch = 0;
  private downSince: number | undefined;
  private nextAttemptAt = 0;
  private readonly pending = new Map<string, 'key' | 'prefix'>();
  private pendingOverflowed = false;
  private readonly sharedIsLocal: boolean;

  constructor(
    @inject(CACHE) private readonly shared: Cache,
    @inject(LOCAL_CACHE) private readonly local: Cache,
    @inject(CACHED_READER_OPTIONS) private readonly options: CachedReaderOptions,
    @inject(CACHE_OBSERVER) private readonly observer: CacheObserver,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {
    this.sharedIsLocal = shared === local;
  }

  /** True while the shared cache is considered down. */
  get degraded(): boolean {
    return this.downSince !== undefined;
  }

  async getOrLoad<T>(kind: string, key: string, loader: () => Promise<T>): Promise<T> {
    const fullKey = this.keyOf(kind, key);
    const running = this.inflight.get(fullKey);
    if (running) {
      this.observer.coalesced(kind);
      return running as Promise<T>;
    }
    const load = this.readThrough(kind, fullKey, loader).finally(() => {
      if (this.inflight.get(fullKey) === load) this.inflight.delete(fullKey);
    });
    this.inflight.set(fullKey, load);
    return load;
  }

  /** How long entries of `kind` live in the cache. */
  ttlSecondsOf(kind: string): number {
    return this.kindOptions(kind).ttlSeconds;
  }

  /** The cached value, if any, without loading it. */
  async peek<T>(kind: string, key: string): Promise<T | undefined> {
    const fullKey = this.keyOf(kind, key);
    const cached = await this.sharedOp(kind, 'get', (c) => c.get<T>(fullKey));
    if (cached.ok) return cached.value;
    return this.local.get<T>(fullKey);
  }

  async put<T>(kind: string, key: string, value: T): Promise<void> {
    const fullKey = this.keyOf(kind, key);
    await this.store(kind, fullKey, value);
  }

  async invalidate(kind: string, key: string): Promise<void> {
    const fullKey = this.keyOf(kind, key);
    this.epoch += 1;
    this.inflight.delete(fullKey);
    if (!this.sharedIsLocal) await this.local.delete(fullKey);
    const done = await this.sharedOp(kind, 'delete', (c) => c.delete(fullKey));
    if (!done.ok) this.remember(fullKey, 'key');
  }

  /** Drops every cached entry of one user (all per-user kinds). */
  async invalidateUser(userId: string): Promise<void> {
    if (!isUuid(userId)) throw new Error('invalidateUser needs a user id');
    const prefix = `user:${userId.toLowerCase()}:`;
    this.epoch += 1;
    for (const key of this.inflight.keys()) if (key.startsWith(prefix)) this.inflight.delete(key);
    if (!this.sharedIsLocal) await this.local.deleteByPrefix(prefix);
    const done = await this.sharedOp('user', 'delete', (c) => c.deleteByPrefix(prefix));
    if (!done.ok) this.remember(prefix, 'prefix');
  }

  private async readThrough<T>(kind: string, fullKey: string, loader: () => Promise<T>): Promise<T> {
    const epoch = this.epoch;
    const cached = await this.sharedOp(kind, 'get', (c) => c.get<T>(fullKey));
    if (cached.ok && cached.value !== undefined) {
      this.observer.hit(kind, this.sharedIsLocal ? 'local' : 'shared');
      return cached.value;
    }
    if (!cached.ok) {
      const fallback = await this.local.get<T>(fullKey);
      if (fallback !== undefined) {
        this.observer.hit(kind, 'local');
        return fallback;
      }
    }
    this.observer.load(kind);
    const value = await loader();
    if (epoch === this.epoch) await this.store(kind, fullKey, value);
    return value;
  }

  private async store<T>(kind: string, fullKey: string, value: T): Promise<void> {
    if (value === undefined) return;
    const ttl = this.kindOptions(kind).ttlSeconds;
    if (!this.sharedIsLocal) await this.local.set(fullKey, value, ttl);
    await this.sharedOp(kind, 'set', (c) => c.set(fullKey, value, ttl));
  }

  /**
   * One operation on the shared cache, bounded in time. A failure marks the shared cache down;
   * while down it is skipped for `retryDownMs`, then one call tries it again (after replaying the
   * invalidations it missed).
   */
  private async sharedOp<T>(kind: string, operation: CacheOperation, run: (cache: Cache) => Promise<T>): Promise<SharedResult<T>> {
    if (this.sharedIsLocal) return { ok: true, value: await run(this.shared) };
    if (this.downSince !== undefined) {
      const now = this.clock.nowMs();
      if (now < this.nextAttemptAt) {
        this.observer.degraded(kind, operation);
        return { ok: false };
      }
      this.nextAttemptAt = now + this.options.retryDownMs;
      try {
        await this.replayPending();
      } catch (err) {
        this.markDown(err);
        this.observer.degraded(kind, operation);
        return { ok: false };
      }
    }
    try {
      const value = await this.bounded(run(this.shared), this.options.sharedTimeoutMs);
      if (this.downSince !== undefined) this.markUp();
      return { ok: true, value };
    } catch (err) {
      this.markDown(err);
      this.observer.degraded(kind, operation);
      return { ok: false };
    }
  }

  private async replayPending(): Promise<void> {
    if (this.pendingOverflowed) {
      this.logger.warn(
        { limit: MAX_PENDING_INVALIDATIONS },
        'more invalidations were missed during the cache outage than remembered; entries may be stale until their TTL',
      );
      this.pendingOverflowed = false;
    }
    for (const [key, type] of [...this.pending]) {
      if (type === 'key') await this.bounded(this.shared.delete(key), this.options.sharedTimeoutMs);
      // A prefix walks the keyspace: give it more time than a single command.
      else await this.bounded(this.shared.deleteByPrefix(key), this.options.sharedTimeoutMs * 20);
      this.pending.delete(key);
    }
  }

  private remember(key: string, type: 'key' | 'prefix'): void {
    if (this.pending.size >= MAX_PENDING_INVALIDATIONS && !this.pending.has(key)) {
      this.pendingOverflowed = true;
      return;
    }
    this.pending.set(key, type);
  }

  private markDown(err: unknown): void {
    const now = this.clock.nowMs();
    this.nextAttemptAt = now + this.options.retryDownMs;
    if (this.downSince !== undefined) return;
    this.downSince = now;
    this.observer.outage('down');
    this.logger.warn(
      { err: { message: (err as Error)?.message ?? String(err) } },
      'shared cache unavailable; answering from the source and the in-process cache',
    );
  }

  private markUp(): void {
    const durationMs = this.clock.nowMs() - (this.downSince ?? this.clock.nowMs());
    this.downSince = undefined;
    this.observer.outage('up', durationMs);
    this.logger.info({ outage_ms: durationMs }, 'shared cache available again');
  }

  private bounded<T>(work: Promise<T>, ms: number): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private kindOptions(kind: string): CacheKindOptions {
    const options = this.options.kinds[kind];
    if (!options) throw new Error(`Unknown cache kind: ${kind}`);
    return options;
  }

  private keyOf(kind: string, key: string): string {
    if (!this.kindOptions(kind).perUser) return `${kind}:${key}`;
    const separator = key.indexOf(':');
    const userId = separator < 0 ? key : key.slice(0, separator);
    if (!isUuid(userId)) throw new Error(`A "${kind}" cache key must start with the user id`);
    return `user:${userId.toLowerCase()}:${kind}${separator < 0 ? '' : key.slice(separator)}`;
  }
}
