import type { DependencyContainer } from 'tsyringe';
import { closeUpstreamPools, UpstreamClient } from '../adapters/http/upstream-client';
import { createLogger } from '../adapters/logging/bunyan-logger';
import { MemoryCache } from '../adapters/memory/memory-cache';
import { NoopMetrics } from '../adapters/metrics/noop-metrics';
import { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics';
import { RedisCache } from '../adapters/redis/redis-cache';
import { createRedisClient } from '../adapters/redis/redis-client';
import { PostgrestClient, type PostgrestClientOptions } from '../adapters/supabase/postgrest-client';
import { CryptoIdGenerator } from '../adapters/system/crypto-id-generator';
import { SystemClock } from '../adapters/system/system-clock';
import { CACHED_READER_OPTIONS, CachedReader, type CacheKindOptions } from '../application/cache/cached-reader';
import { SERVICE_LIFECYCLE, ServiceLifecycle } from '../application/service/service-lifecycle';
import { RUNTIME_WARNINGS, RuntimeWarnings } from '../application/service/runtime-warnings';
import { CONFIG, type Config } from '../config/config';
import { secretValues } from '../config/load-config';
import { CACHE, LOCAL_CACHE } from '../ports/cache.port';
import { CACHE_OBSERVER } from '../ports/cache-observer.port';
import { CLOCK } from '../ports/clock.port';
import { ID_GENERATOR } from '../ports/id-generator.port';
import { AUDIT_LOGGER, LOGGER } from '../ports/logger.port';
import { METRICS } from '../ports/metrics.port';
import { RedisRateLimitStore } from '../adapters/redis/redis-rate-limit-store';
import { RATE_LIMIT_STORE } from '../ports/rate-limit-store.port';
import { DATABASE, openDatabase } from './database.wiring';
import { Resources, RESOURCES } from './resources';
import { host, type AdapterBinding, type ContainerOverrides, type Shared } from './shared';

/**
 * What every feature stands on: configuration, logs, clock, ids, metrics, the lifecycle, Redis and
 * the cache, and one client per upstream. Returns them as `Shared` for the feature modules.
 */
export function registerInfrastructure(
  c: DependencyContainer,
  config: Config,
  overrides: ContainerOverrides,
  bindings: AdapterBinding[],
): Shared {
  const resources = new Resources();
  const bind = (port: string, adapter: string, target?: string): void => {
    bindings.push({ port, adapter, ...(target ? { target } : {}) });
  };
  // Closed last (closers run in reverse order): no upstream call is left once everything else stopped.
  resources.add('upstream-pools', async () => closeUpstreamPools());
  const logger = createLogger('ai-chat-gateway', { level: config.logLevel, stream: overrides.logStream, secrets: secretValues(config) });
  const clock = overrides.clock ?? new SystemClock();
  const ids = new CryptoIdGenerator();
  c.registerInstance(CONFIG, config);
  c.registerInstance(LOGGER, logger);
  c.registerInstance(AUDIT_LOGGER, logger.child({ component: 'audit', audit: true }));
  c.registerInstance(CLOCK, clock);
  c.registerInstance(ID_GENERATOR, ids);
  c.registerInstance(RESOURCES, resources);
  c.registerInstance(SERVICE_LIFECYCLE, new ServiceLifecycle());
  c.registerInstance(RUNTIME_WARNINGS, new RuntimeWarnings());
  const metrics = config.enableMetrics ? new PrometheusMetrics() : new NoopMetrics();
  c.registerInstance(METRICS, metrics);
  bind('Metrics', config.enableMetrics ? 'prometheus' : 'disabled');
  bind('Clock', overrides.clock ? 'injected' : 'system');
  bind('IdGenerator', 'crypto');

  // The gateway's own database (STORAGE: a PostgreSQL server, or embedded PGlite), migrating from now on.
  const database = openDatabase(config, logger.child({ component: 'database' }), (close) => resources.add('database', close));
  if (database) c.registerInstance(DATABASE, database);

  // Cache: Redis, shared by the replicas, when REDIS_URL is set (the service's one Redis client);
  // else the in-process LRU. The LRU is also the fallback while Redis is down or slow.
  const localCache = new MemoryCache(clock);
  const redis = config.redisUrl
    ? createRedisClient({ url: config.redisUrl, commandTimeoutMs: config.redisCommandTimeoutMs }, logger.child({ component: 'redis' }))
    : undefined;
  if (redis) resources.add('redis', () => redis.quit());
  c.registerInstance(
    CACHE,
    redis ? new RedisCache(redis, { keyPrefix: config.redisKeyPrefix }, logger.child({ component: 'cache' })) : localCache,
  );
  c.registerInstance(LOCAL_CACHE, localCache);
  bind('Cache', redis ? 'redis+memory-lru-fallback' : 'memory-lru', redis ? host(config.redisUrl) : undefined);
  c.registerInstance(CACHE_OBSERVER, metrics);
  const cacheKinds: Record<string, CacheKindOptions> = {};
  c.registerInstance(CACHED_READER_OPTIONS, { kinds: cacheKinds, sharedTimeoutMs: config.redisCommandTimeoutMs, retryDownMs: 1000 });
  c.registerSingleton(CachedReader);

  // Rate-limit counters: in Redis when it is there and up, so the replicas share them.
  c.registerInstance(RATE_LIMIT_STORE, new RedisRateLimitStore(redis));
  bind('RateLimits', redis ? 'redis (per-process fallback)' : 'per-process');

  // One client per upstream. LiteLLM with the master key (model catalogue, key info).
  const litellm = config.litellmUrl
    ? new UpstreamClient(
        {
          name: 'litellm',
          baseURL: config.litellmUrl,
          poolSize: config.connectionPoolSize,
          timeoutMs: config.upstreamTimeoutMs,
          observer: metrics,
          maxResponseBytes: config.upstreamMaxResponseBytes,
        },
        clock,
        logger.child({ component: 'litellm' }),
      )
    : undefined;
  // Supabase REST: one pool and one circuit breaker for every adapter on that upstream.
  const supabaseRestOptions: PostgrestClientOptions | undefined = config.supabaseUrl
    ? {
        supabaseUrl: config.supabaseUrl,
        anonKey: config.supabaseAnonKey,
        poolSize: config.connectionPoolSize,
        timeoutMs: config.upstreamTimeoutMs,
        observer: metrics,
        maxResponseBytes: config.upstreamMaxResponseBytes,
      }
    : undefined;
  const supabaseRest = supabaseRestOptions
    ? {
        client: new PostgrestClient(supabaseRestOptions, clock, logger.child({ component: 'supabase-rest' })),
        options: supabaseRestOptions,
      }
    : undefined;

  return { logger, clock, ids, metrics, resources, redis, litellm, database, supabaseRest, cacheKinds, bind };
}
