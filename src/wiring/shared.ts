import type { Writable } from 'node:stream';
import type { DependencyContainer } from 'tsyringe';
import type { Redis } from 'ioredis';
import type { UpstreamClient } from '../adapters/http/upstream-client';
import type { NoopMetrics } from '../adapters/metrics/noop-metrics';
import type { PrometheusMetrics } from '../adapters/metrics/prometheus-metrics';
import type { PostgrestClient, PostgrestClientOptions } from '../adapters/supabase/postgrest-client';
import type { CacheKindOptions } from '../application/cache/cached-reader';
import type { Config } from '../config/config';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { Logger } from '../ports/logger.port';
import { token } from '../ports/token';
import type { Resources } from './resources';

/** Which adapter serves each port, for the start banner and the start log line. */
export interface AdapterBinding {
  port: string;
  adapter: string;
  target?: string;
}

export const ADAPTER_BINDINGS = token<AdapterBinding[]>('AdapterBindings');

export interface ContainerOverrides {
  /** Where log lines go (tests collect them). */
  logStream?: Pick<Writable, 'write'>;
  clock?: Clock;
}

/** Prometheus when metrics are enabled, else a no-op; both also observe caches and upstream calls. */
export type ServiceMetrics = PrometheusMetrics | NoopMetrics;

/**
 * What the infrastructure module builds once and every feature module may use: the process-wide
 * services and ONE client per upstream (one pool, one circuit breaker, one `upstream` label in the
 * metrics). A feature that needs an upstream takes its client from here, never builds its own.
 */
export interface Shared {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: ServiceMetrics;
  readonly resources: Resources;
  /** The service's one Redis connection, when `REDIS_URL` is set. */
  readonly redis?: Redis;
  /** LiteLLM with the master key (`/model/info`, `/key/info`), when `LITELLM_URL` is set. */
  readonly litellm?: UpstreamClient;
  /** Supabase REST (PostgREST), when `SUPABASE_URL` is set. */
  readonly supabaseRest?: { client: PostgrestClient; options: PostgrestClientOptions };
  /**
   * Each feature declares the TTL of the cache kinds it reads through `CachedReader`. The reader
   * is resolved lazily, after every module has registered, so it sees all of them.
   */
  readonly cacheKinds: Record<string, CacheKindOptions>;
  /** Records which adapter serves a port (banner, start log). */
  bind(port: string, adapter: string, target?: string): void;
}

/**
 * One feature's wiring: picks its adapters from the configuration and registers its ports and use
 * cases. It never resolves a class at registration time (tsyringe would silently build an
 * unregistered one); what needs other registrations is a lazy factory.
 */
export interface FeatureModule {
  readonly name: string;
  register(container: DependencyContainer, config: Config, shared: Shared): void;
}

/** Hostname of an upstream for the banner: never a path, query or credential. */
export function host(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
