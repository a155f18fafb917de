import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { MemoryCache } from '../../../src/adapters/memory/memory-cache';
import { RedisCache } from '../../../src/adapters/redis/redis-cache';
import { createRedisClient } from '../../../src/adapters/redis/redis-client';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { CachedReader } from '../../../src/application/cache/cached-reader';
import { CountingCacheObserver } from '../../fakes/counting-cache-observer';
import { RedisServerProcess } from '../../fakes/redis-server-process';
import { requireServer } from '../../support/require-server';
import { LogCollector } from '../../support/log-collector';
import { USER_A, USER_B } from '../../support/tokens';

const OUTAGE = 'shared cache unavailable; answering from the source and the in-process cache';
const RECOVERED = 'shared cache available again';

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('Cache degradation with a Redis that dies mid-test and comes back', () => {
  requireServer('redis-server');
  let server: RedisServerProcess;
  let client: Redis | undefined;

  beforeEach(async () => {
    server = await RedisServerProcess.create();
    await server.start();
  });
  afterEach(async () => {
    client?.disconnect();
    await server.kill();
  });

  it('keeps answering from the loader and the in-process LRU, logs the outage once, and recovers', async () => {
    const logs = new LogCollector();
    const logger = createLogger('test', { level: 'info', stream: logs, secrets: [] });
    client = createRedisClient({ url: server.url, commandTimeoutMs: 200 }, logger.child({ component: 'redis' }));
    await until(() => client!.status === 'ready', 'the client to connect');
    const clock = new SystemClock();
    const observer = new CountingCacheObserver();
    const reader = new CachedReader(
      new RedisCache(client, { keyPrefix: 'acg-outage' }, logger),
      new MemoryCache(clock),
      { kinds: { profile: { ttlSeconds: 900, perUser: true } }, sharedTimeoutMs: 200, retryDownMs: 0 },
      observer,
      clock,
      logger,
    );
    const loads: string[] = [];
    const loader = (name: string) => async () => {
      loads.push(name);
      return { name };
    };

    // Redis up: the second read comes from Redis.
    expect(await reader.getOrLoad('profile', USER_A, loader('A1'))).to.deep.equal({ name: 'A1' });
    expect(await reader.getOrLoad('profile', USER_A, loader('A2'))).to.deep.equal({ name: 'A1' });
    expect(loads).to.deep.equal(['A1']);
    expect(observer.hits).to.deep.equal([{ kind: 'profile', layer: 'shared' }]);

    await server.kill();
    await until(() => client!.status !== 'ready', 'the client to notice');

    // Redis dead: A from the in-process copy, B loaded once and then kept in-process.
    for (let i = 0; i < 5; i += 1) {
      expect(await reader.getOrLoad('profile', USER_A, loader('A3'))).to.deep.equal({ name: 'A1' });
      expect(await reader.getOrLoad('profile', USER_B, loader('B1'))).to.deep.equal({ name: 'B1' });
    }
    expect(loads).to.deep.equal(['A1', 'B1']);
    expect(reader.degraded).to.equal(true);
    expect(logs.records().filter((r) => r.msg === OUTAGE)).to.have.length(1);
    expect(observer.outages.map((o) => o.state)).to.deep.equal(['down']);
    expect(observer.degradedOps.length).to.be.greaterThanOrEqual(10);

    // Redis back (empty): the first call after reconnection ends the outage, once.
    await server.start();
    await until(() => client!.status === 'ready', 'the client to reconnect');
    expect(await reader.getOrLoad('profile', USER_B, loader('B2'))).to.deep.equal({ name: 'B2' });
    expect(await reader.getOrLoad('profile', USER_B, loader('B3'))).to.deep.equal({ name: 'B2' });
    expect(loads).to.deep.equal(['A1', 'B1', 'B2']);
    expect(reader.degraded).to.equal(false);
    expect(logs.records().filter((r) => r.msg === RECOVERED)).to.have.length(1);
    expect(logs.records().filter((r) => r.msg === OUTAGE)).to.have.length(1);
    expect(observer.outages.map((o) => o.state)).to.deep.equal(['down', 'up']);
    // And B2 really is in Redis again.
    expect(await client.get(`acg-outage:v1:user:${USER_B}:profile`)).to.equal('{"name":"B2"}');
  });
});
