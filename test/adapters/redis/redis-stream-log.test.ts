import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { createRedisClient } from '../../../src/adapters/redis/redis-client';
import { RedisStreamLog } from '../../../src/adapters/redis/redis-stream-log';
import { describeStreamLogContract } from '../../contracts/stream-log.contract';
import { LogCollector } from '../../support/log-collector';
import { requireServer } from '../../support/require-server';
import { connectTestRedis, deleteKeys, TEST_REDIS_URL, uniqueKeyPrefix } from '../../support/test-redis';

const logger = createLogger('test', { level: 'fatal', stream: new LogCollector(), secrets: [] });

async function readyClient() {
  const client = createRedisClient({ url: TEST_REDIS_URL, commandTimeoutMs: 2000 }, logger);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
  });
  return client;
}

async function redisLogs(options: { retentionMs?: number } = {}) {
  const admin = await connectTestRedis();
  const prefix = uniqueKeyPrefix();
  const [a, b] = await Promise.all([readyClient(), readyClient()]);
  const settings = { keyPrefix: prefix, retentionMs: options.retentionMs ?? 60_000, runningTtlMs: 600_000, maxEntries: 10_000 };
  const log = new RedisStreamLog(a, settings, logger);
  const other = new RedisStreamLog(b, settings, logger);
  return {
    log,
    other,
    admin,
    prefix,
    async close() {
      await log.close();
      await other.close();
      await deleteKeys(admin, `${prefix}:`);
      a.disconnect();
      b.disconnect();
      admin.disconnect();
    },
  };
}

// Runs whenever a Redis answers; with REQUIRE_REDIS=1 (CI) a missing Redis fails it, never skips it.
describe('RedisStreamLog on a Redis server (TEST_REDIS_URL)', () => {
  requireServer('redis');

  describeStreamLogContract('RedisStreamLog (real Redis, two clients as two replicas)', redisLogs);

  describe('RedisStreamLog (real Redis)', () => {
    it('bounds each turn with MAXLEN and expires it the retention period after its end', async () => {
      const s = await redisLogs({ retentionMs: 5_000 });
      try {
        const id = randomUUID();
        await s.log.open(
          {
            stream_id: id,
            user_id: randomUUID(),
            conversation_id: randomUUID(),
            branch_id: randomUUID(),
            user_message_id: randomUUID(),
            model: 'm',
            completion_id: 'c',
            created: 1,
            started_at: Date.now(),
            status: 'running',
          },
          { token: 'secret-token' },
          'p1',
          Date.now(),
        );
        await s.log.append(id, [{ seq: 1, event: { type: 'delta', content: 'x' } }]);
        const hash = `${s.prefix}:v1:turn:${id}`;
        expect(await s.admin.hget(hash, 't')).to.equal('secret-token');
        expect(await s.admin.pttl(`${hash}:events`)).to.be.greaterThan(60_000);
        await s.log.finish(id, 'p1', { seq: 2, event: { type: 'stopped', reason: 'user' } }, 'stopped', Date.now());
        // The owner's token is kept only while the turn runs.
        expect(await s.admin.hget(hash, 't')).to.equal(null);
        for (const key of [hash, `${hash}:events`]) {
          const ttl = await s.admin.pttl(key);
          expect(ttl).to.be.within(1, 5_000);
        }
        const info = (await s.admin.call('XINFO', 'STREAM', `${hash}:events`)) as unknown[];
        expect(info[info.indexOf('length') + 1]).to.equal(2);
      } finally {
        await s.close();
      }
    });
  });
});
