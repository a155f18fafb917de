import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis of the tests: TEST_REDIS_URL or the local default. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses (REDIS_KEY_PREFIX / RedisCache `keyPrefix`). */
export function uniqueKeyPrefix(): string {
  return `acg-test-${randomUUID().slice(0, 8)}`;
}

/**
 * A plain client on the test Redis for setup, inspection and clean-up. Rejects (so the test FAILS,
 * never skips) when the server does not answer.
 */
export async function connectTestRedis(): Promise<Redis> {
  const client = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  // The 'error' event carries why (ECONNREFUSED...); connect() itself only says the connection closed.
  let cause: Error | undefined;
  client.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    const reason = (cause ?? (err as Error)).message;
    throw Object.assign(new Error(`Redis is required for this test and did not answer at ${TEST_REDIS_URL}: ${reason}`, { cause: err }), {
      reason,
    });
  }
  return client;
}

/** Removes every key of a test prefix. */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
