import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisStreamSlots } from '../../../src/adapters/redis/redis-stream-slots';
import { requireServer } from '../../support/require-server';
import { connectTestRedis, deleteKeys, uniqueKeyPrefix } from '../../support/test-redis';

type Release = () => Promise<void>;

async function acquireAll(slots: RedisStreamSlots, user: string, max: number, count: number): Promise<(Release | null)[]> {
  const out: (Release | null)[] = [];
  for (let i = 0; i < count; i += 1) out.push(await slots.acquire(user, max));
  return out;
}

describe('RedisStreamSlots: open streams per user on the real Redis (TEST_REDIS_URL)', () => {
  requireServer('redis');
  let redis: Redis;
  let other: Redis;
  let prefix: string;

  before(async () => {
    redis = await connectTestRedis();
    other = await connectTestRedis();
  });
  beforeEach(() => {
    prefix = uniqueKeyPrefix();
  });
  afterEach(() => deleteKeys(redis, prefix));
  after(() => {
    redis?.disconnect();
    other?.disconnect();
  });

  it('grants `max` slots, refuses one more, and grants again after a release', async () => {
    const slots = new RedisStreamSlots(redis, 180, prefix);
    const user = randomUUID();
    const granted = await acquireAll(slots, user, 2, 3);
    expect(granted.map((r) => r !== null)).to.deep.equal([true, true, false]);
    expect(await redis.get(`${prefix}:v1:streams:${user}`)).to.equal('2');
    const ttl = await redis.ttl(`${prefix}:v1:streams:${user}`);
    expect(ttl, 'a crashed replica cannot hold slots forever').to.be.within(1, 180);

    await granted[0]!();
    await granted[0]!(); // twice: a release is idempotent, it never frees someone else's slot
    expect(await redis.get(`${prefix}:v1:streams:${user}`)).to.equal('1');
    expect(await slots.acquire(user, 2)).to.be.a('function');
    expect(await slots.acquire(user, 2)).to.equal(null);
  });

  it('counts users apart', async () => {
    const slots = new RedisStreamSlots(redis, 180, prefix);
    const [a, b] = [randomUUID(), randomUUID()];
    expect(await slots.acquire(a, 1)).to.be.a('function');
    expect(await slots.acquire(a, 1)).to.equal(null);
    expect(await slots.acquire(b, 1)).to.be.a('function');
  });

  it('shares the count between replicas (two clients, one Redis)', async () => {
    const first = new RedisStreamSlots(redis, 180, prefix);
    const second = new RedisStreamSlots(other, 180, prefix);
    const user = randomUUID();
    const held = await first.acquire(user, 2);
    expect(await second.acquire(user, 2)).to.be.a('function');
    expect(await first.acquire(user, 2)).to.equal(null);
    expect(await second.acquire(user, 2)).to.equal(null);
    await held!();
    expect(await second.acquire(user, 2)).to.be.a('function');
  });

  it('keeps deployments with different key prefixes apart', async () => {
    const user = randomUUID();
    const mine = new RedisStreamSlots(redis, 180, prefix);
    const theirs = new RedisStreamSlots(redis, 180, `${prefix}-other`);
    try {
      expect(await mine.acquire(user, 1)).to.be.a('function');
      expect(await theirs.acquire(user, 1)).to.be.a('function');
    } finally {
      await deleteKeys(redis, `${prefix}-other`);
    }
  });

  it('counts in the process when there is no Redis', async () => {
    const slots = new RedisStreamSlots(undefined, 180, prefix);
    const user = randomUUID();
    const granted = await acquireAll(slots, user, 2, 3);
    expect(granted.map((r) => r !== null)).to.deep.equal([true, true, false]);
    await granted[1]!();
    expect(await slots.acquire(user, 2)).to.be.a('function');
  });
});
