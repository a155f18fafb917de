import { token } from './token';
/**
 * A key/value cache with per-entry TTL. Values are JSON-serialisable; a caller never gets back the
 * object it stored (values are copied through JSON), so a cached value cannot be mutated by accident.
 *
 * An adapter over a remote backend (Redis) REJECTS when the backend is unavailable or slow, so that
 * its one user, the cache-aside `CachedReader`, can tell an outage from a miss, log it once and fall
 * back to the source and the in-process cache. Code outside the cache layer goes through
 * `CachedReader`, never straight to this port.
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every key starting with `prefix` (used to invalidate all of one user's entries). */
  deleteByPrefix(prefix: string): Promise<void>;
}

/** The shared cache: Redis when configured, else the in-process LRU. */
export const CACHE = token<Cache>('Cache');

/**
 * The in-process LRU of this replica: the fallback while the shared cache is down. Never rejects.
 * Without Redis it is the same instance as `CACHE`.
 */
export const LOCAL_CACHE = token<Cache>('LocalCache');
