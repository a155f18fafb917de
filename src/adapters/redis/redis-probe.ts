import type { Redis } from 'ioredis';
import type { Clock } from '../../ports/clock.port';
import type { DependencyProbe, ProbeResult } from '../../ports/dependency-probe.port';

/** Redis PING. Redis is optional: the cache and limiter fall back to in-process versions. */
export class RedisProbe implements DependencyProbe {
  readonly name = 'redis';
  readonly adapter = 'redis';
  readonly required = false;

  constructor(
    private readonly client: Redis,
    private readonly clock: Clock,
  ) {}

  async check(): Promise<ProbeResult> {
    const started = this.clock.nowMs();
    try {
      await this.client.ping();
      return { status: 'up', latencyMs: this.clock.nowMs() - started };
    } catch (err) {
      return { status: 'down', latencyMs: this.clock.nowMs() - started, error: (err as Error).message.slice(0, 120) };
    }
  }
}
