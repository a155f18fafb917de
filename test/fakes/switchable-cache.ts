import type { Cache } from '../../src/ports/cache.port';

/**
 * A shared-cache stand-in that can go down (every call rejects, like the Redis adapter with Redis
 * gone) or hang (never answers, like a Redis that is slow), and counts its calls.
 */
export class SwitchableCache implements Cache {
  readonly entries = new Map<string, unknown>();
  readonly ttls = new Map<string, number>();
  state: 'up' | 'down' | 'hanging' = 'up';
  calls = 0;

  private async gate(): Promise<void> {
    this.calls += 1;
    if (this.state === 'down') throw new Error('connection refused');
    if (this.state === 'hanging') await new Promise(() => undefined);
  }

  async get<T>(key: string): Promise<T | undefined> {
    await this.gate();
    const value = this.entries.get(key);
    return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as T);
  }

  async set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    await this.gate();
    this.entries.set(key, JSON.parse(JSON.stringify(value)));
    this.ttls.set(key, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    await this.gate();
    this.entries.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<void> {
    await this.gate();
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
