import { Redis } from 'ioredis';
import type { Logger } from '../../ports/logger.port';

export interface RedisClientOptions {
  url: string;
  /** Short: a slow Redis must degrade the cache, not the request. */
  commandTimeoutMs?: number;
}

/**
 * The one Redis connection of the service (ioredis, because koa-ratelimit's Redis driver needs
 * ioredis' `defineCommand`). Commands fail fast while disconnected instead of queueing, and the
 * client reconnects with capped backoff. An outage is logged once, not once per command.
 */
export function createRedisClient(options: RedisClientOptions, logger: Logger): Redis {
  const client = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), 5000),
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) {
      down = true;
      logger.warn({ err: { message: err.message } }, 'Redis unavailable; continuing without it');
    }
  });
  client.on('ready', () => {
    if (down) logger.info({}, 'Redis available again');
    down = false;
  });
  return client;
}
