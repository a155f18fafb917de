import type { Cache } from '../../ports/cache.port';
import type { Clock } from '../../ports/clock.port';

interface Entry {
  json: string;
  expiresAt: number;
}

export const MEMORY_CACHE_MAX_ENTRIES = 10_000;

/**
 * The part of a key up to its second `:` (`user:<id>:` for per-user data), or undefined for a key
 * with fewer colons. Keys of one group are indexed together, so dropping a user's entries (after
 * every chat) does not walk the whole cache.
 */
function groupOf(key: string): string | undefined {
  const first = key.indexOf(':');
  const second = first === -1 ? -1 : key.indexOf(':', first + 1);
  return second === -1 ? undefined : key.slice(0, second + 1);
}

/**
 * In-process LRU with TTL: the embedded default and the fallback when Redis is down. Values are
 * stored serialised so a caller can never mutate a cached object by accident (same as Redis).
 */
export class MemoryCache implements Cache {
  private readonly entries = new Map<string, Entry>();
  /** Keys by group (see `groupOf`): `deleteByPrefix` of a whole group touches only its keys. */
  private readonly groups = new Map<string, Set<string>>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries: number = MEMORY_CACHE_MAX_ENTRIES,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.nowMs()) {
      this.remove(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting marks the entry as most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return JSON.parse(entry.json) as T;
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    const json = JSON.stringify(value);
    this.entries.delete(key);
    this.entries.set(key, { json, expiresAt: this.clock.nowMs() + ttlSeconds * 1000 });
    const group = groupOf(key);
    if (group !== undefined) {
      const keys = this.groups.get(group);
      if (keys) keys.add(key);
      else this.groups.set(group, new Set([key]));
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.remove(key);
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    // A prefix that is exactly a group holds all of that group's keys and nothing else.
    if (groupOf(prefix) === prefix) {
      for (const key of this.groups.get(prefix) ?? []) this.entries.delete(key);
      this.groups.delete(prefix);
      return;
    }
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix)) this.remove(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string): void {
    if (!this.entries.delete(key)) return;
    const group = groupOf(key);
    if (group === undefined) return;
    const keys = this.groups.get(group);
    keys?.delete(key);
    if (keys?.size === 0) this.groups.delete(group);
  }
}
