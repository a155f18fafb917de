import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { RedisCache } from '../../../src/adapters/redis/redis-cache';
import { createRedisClient } from '../../../src/adapters/redis/redis-client';
import { LogCollector } from '../../support/log-collector';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { rejectionOf } from '../../support/async';
import { requireServer } from '../../support/require-server';
import { connectTestRedis, deleteKeys, TEST_REDIS_URL, uniqueKeyPrefix } from '../../support/test-redis';
import { describeCacheContract } from '../cache/cache-contract';

const logger = createLogger('test', { level: 'fatal', stream: new LogCollector(), secrets: [] });

async function redisCache(): Promise<{ cache: RedisCache; client: Redis; prefix: string; close: () => Promise<void> }> {
  // Fails the test when Redis is not there (never a skip).
  const admin = await connectTestRedis();
  const client = createRedisClient({ url: TEST_REDIS_URL, commandTimeoutMs: 2000 }, logger);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
  });
  const prefix = uniqueKeyPrefix();
  return {
    cache: new RedisCache(client, { keyPrefix: prefix, scanCount: 200 }, logger),
    client: admin,
    prefix,
    async close() {
      await deleteKeys(admin, `${prefix}:`);
      client.disconnect();
      admin.disconnect();
    },
  };
}

describe('RedisCache on a Redis server (TEST_REDIS_URL)', () => {
  requireServer('redis');

  describeCacheContract('RedisCache (real Redis)', redisCache);

  describe('RedisCache (real Redis)', () => {
    let subject: Awaited<ReturnType<typeof redisCache>>;
    beforeEach(async () => {
      subject = await redisCache();
    });
    afterEach(async () => subject.close());

    it('namespaces and versions its keys and stores JSON', async () => {
      await subject.cache.set('models:catalog', { items: ['gpt-4o'] }, 60);
      expect(await subject.client.get(`${subject.prefix}:v1:models:catalog`)).to.equal('{"items":["gpt-4o"]}');
    });

    it('gives each entry its own TTL (read back with PTTL, no waiting)', async () => {
      await subject.cache.set('models:catalog', 1, 3600);
      await subject.cache.set('user:x:profile', 1, 900);
      const modelsTtl = await subject.client.pttl(`${subject.prefix}:v1:models:catalog`);
      const profileTtl = await subject.client.pttl(`${subject.prefix}:v1:user:x:profile`);
      expect(modelsTtl).to.be.within(3_590_000, 3_600_000);
      expect(profileTtl).to.be.within(890_000, 900_000);
    });

    it('lets Redis expire an entry at its TTL', async () => {
      await subject.cache.set('k:short', 'v', 0.05);
      const ttl = await subject.client.pttl(`${subject.prefix}:v1:k:short`);
      expect(ttl).to.be.within(1, 50);
      // Polls until Redis has expired it; never asserts on elapsed time.
      for (let i = 0; i < 200 && (await subject.cache.get('k:short')) !== undefined; i += 1) await new Promise((r) => setTimeout(r, 10));
      expect(await subject.cache.get('k:short')).to.equal(undefined);
    });

    it('reads an entry that is not JSON as a miss and drops it', async () => {
      await subject.client.set(`${subject.prefix}:v1:k:broken`, '{not json', 'EX', 60);
      expect(await subject.cache.get('k:broken')).to.equal(undefined);
      expect(await subject.client.exists(`${subject.prefix}:v1:k:broken`)).to.equal(0);
    });

    it('leaves keys of other prefixes alone', async () => {
      await subject.client.set('acg-test-neighbour:v1:user:x:profile', 'keep', 'EX', 60);
      try {
        await subject.cache.set('user:x:profile', 'mine', 60);
        await subject.cache.deleteByPrefix('user:x:');
        expect(await subject.client.get('acg-test-neighbour:v1:user:x:profile')).to.equal('keep');
      } finally {
        await subject.client.del('acg-test-neighbour:v1:user:x:profile');
      }
    });

    it('rejects (for the cache-aside layer to degrade) when Redis cannot be reached', async () => {
      const dead = createRedisClient({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 }, logger);
      try {
        const cache = new RedisCache(dead, { keyPrefix: subject.prefix }, logger);
        expect(await rejectionOf(cache.get('k:1'))).to.be.instanceOf(Error);
        expect(await rejectionOf(cache.set('k:1', 1, 60))).to.be.instanceOf(Error);
      } finally {
        dead.disconnect();
      }
    });
  });
});
