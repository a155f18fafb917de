/**
 * A key/value cache with per-entry TTL. Values are JSON-serialisable. Implementations never throw
 * for an unavailable backend on reads: a miss is the safe answer (cache-aside falls back to the
 * source of truth).
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every key starting with `prefix` (used to invalidate all of one user's entries). */
  deleteByPrefix(prefix: string): Promise<void>;
}

export const CACHE = Symbol('Cache');
