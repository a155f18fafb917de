import 'reflect-metadata';
import type { Writable } from 'node:stream';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { JwksKeyStore } from './adapters/supabase/auth/jwks-key-store';
import { SupabaseAccessTokenVerifier } from './adapters/supabase/auth/supabase-access-token-verifier';
import { HttpDependencyProbe } from './adapters/http-probe/http-dependency-probe';
import { createLogger } from './adapters/logging/bunyan-logger';
import { EmbeddedProbe } from './adapters/memory/embedded-probe';
import { MemoryCache } from './adapters/memory/memory-cache';
import { createRedisClient } from './adapters/redis/redis-client';
import { RedisProbe } from './adapters/redis/redis-probe';
import { NoopMetrics } from './adapters/metrics/noop-metrics';
import { PrometheusMetrics } from './adapters/metrics/prometheus-metrics';
import { CryptoIdGenerator } from './adapters/system/crypto-id-generator';
import { SystemClock } from './adapters/system/system-clock';
import { CheckHealth, HEALTH_CHECK_OPTIONS, type HealthCheckOptions } from './application/check-health.use-case';
import { SERVICE_LIFECYCLE, ServiceLifecycle } from './application/service-lifecycle';
import { CHAT_POLICY, type ChatPolicy } from './application/chat-policy';
import { ChatAccount } from './application/chat/chat-account';
import { TURN_LISTENERS, type TurnListener } from './application/chat/chat-turn';
import { MetricsTurnListener } from './application/chat/metrics-turn-listener';
import { RegenerateMessage } from './application/chat/regenerate-message.use-case';
import { ReplyGenerator } from './application/chat/reply-generator';
import { SendChatMessage } from './application/chat/send-chat-message.use-case';
import { ActivateBranch } from './application/conversations/activate-branch.use-case';
import { CreateBranch } from './application/conversations/create-branch.use-case';
import { CreateConversation } from './application/conversations/create-conversation.use-case';
import { GetConversationFull } from './application/conversations/get-conversation-full.use-case';
import { GetConversation } from './application/conversations/get-conversation.use-case';
import { ListBranches } from './application/conversations/list-branches.use-case';
import { ListConversations } from './application/conversations/list-conversations.use-case';
import { UpdateConversation } from './application/conversations/update-conversation.use-case';
import { EditMessage } from './application/messages/edit-message.use-case';
import { GetMessage } from './application/messages/get-message.use-case';
import { CONFIG, type Config } from './config/config';
import { secretValues } from './config/load-config';
import { ACCESS_TOKEN_VERIFIER } from './ports/access-token-verifier.port';
import { CACHE } from './ports/cache.port';
import { CLOCK, type Clock } from './ports/clock.port';
import { DEPENDENCY_PROBES, type DependencyProbe } from './ports/dependency-probe.port';
import { ID_GENERATOR } from './ports/id-generator.port';
import { AUDIT_LOGGER, LOGGER, type Logger } from './ports/logger.port';
import { METRICS } from './ports/metrics.port';

/** Which adapter serves each port, for the start banner and `/health`. */
export interface AdapterBinding {
  port: string;
  adapter: string;
  target?: string;
}

export const ADAPTER_BINDINGS = Symbol('AdapterBindings');

/** Things to close on shutdown (connections, pools), in registration order. */
export class Resources {
  private readonly closers: { name: string; close: () => Promise<unknown> }[] = [];

  add(name: string, close: () => Promise<unknown>): void {
    this.closers.push({ name, close });
  }

  async closeAll(logger: Logger): Promise<void> {
    for (const { name, close } of this.closers.reverse()) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err: { message: (err as Error).message }, resource: name }, 'close failed');
      }
    }
  }
}

export const RESOURCES = Symbol('Resources');

export interface ContainerOverrides {
  /** Where log lines go (tests collect them). */
  logStream?: Pick<Writable, 'write'>;
  clock?: Clock;
}

/** Hostname of an upstream for the banner: never a path, query or credential. */
function host(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * The one place that picks adapters from the configuration and wires them. Each call gives a fresh
 * child container, so tests never share singletons. Every registration is an explicit singleton:
 * tsyringe's default scope is transient, which would silently give a new in-memory store per resolve.
 */
export function buildContainer(config: Config, overrides: ContainerOverrides = {}): DependencyContainer {
  const c = rootContainer.createChildContainer();
  const bindings: AdapterBinding[] = [];
  const resources = new Resources();
  const bind = (port: string, adapter: string, target?: string): void => {
    bindings.push({ port, adapter, ...(target ? { target } : {}) });
  };

  const logger = createLogger('ai-chat-gateway', { level: config.logLevel, stream: overrides.logStream, secrets: secretValues(config) });
  const clock = overrides.clock ?? new SystemClock();
  c.registerInstance(CONFIG, config);
  c.registerInstance(LOGGER, logger);
  c.registerInstance(AUDIT_LOGGER, logger.child({ component: 'audit', audit: true }));
  c.registerInstance(CLOCK, clock);
  c.registerInstance(ID_GENERATOR, new CryptoIdGenerator());
  c.registerInstance(RESOURCES, resources);
  c.registerInstance(SERVICE_LIFECYCLE, new ServiceLifecycle());
  const metrics = config.enableMetrics ? new PrometheusMetrics() : new NoopMetrics();
  c.registerInstance(METRICS, metrics);
  bind('Metrics', config.enableMetrics ? 'prometheus' : 'disabled');
  bind('Clock', overrides.clock ? 'injected' : 'system');
  bind('IdGenerator', 'crypto');

  // Access tokens: HS* with the project secret, ES256/RS256 through the project's JWKS.
  const jwks = config.effectiveJwksUrl
    ? new JwksKeyStore(
        {
          url: config.effectiveJwksUrl,
          cacheSeconds: config.jwksCacheSeconds,
          refetchIntervalSeconds: config.jwksRefetchIntervalSeconds,
          timeoutMs: config.upstreamTimeoutMs,
        },
        clock,
        logger.child({ component: 'jwks' }),
      )
    : undefined;
  c.registerInstance(
    ACCESS_TOKEN_VERIFIER,
    new SupabaseAccessTokenVerifier(
      {
        allowedAlgorithms: config.jwtAllowedAlgorithms,
        hmacSecret: config.jwtSecret,
        audience: config.jwtAudience,
        issuer: config.expectedIssuer,
        clockSkewSeconds: config.jwtClockSkewSeconds,
      },
      clock,
      jwks,
    ),
  );
  bind(
    'AccessTokenVerifier',
    jwks ? 'supabase-jwt+jwks' : 'supabase-jwt',
    config.usesDevJwtSecret ? 'development secret' : host(config.effectiveJwksUrl),
  );

  // Cache: the in-process LRU (Redis comes with the cache layer).
  c.registerInstance(CACHE, new MemoryCache(clock));
  bind('Cache', 'memory-lru');

  // Dependency probes: cheap, free calls only.
  const probes: DependencyProbe[] = [];
  const timeoutMs = config.healthProbeTimeoutMs;
  probes.push(
    config.edgeFunctionUrl
      ? new HttpDependencyProbe(
          { name: 'edge_function', adapter: 'edge-function', required: true, url: config.edgeFunctionUrl, method: 'OPTIONS', timeoutMs },
          clock,
        )
      : new EmbeddedProbe('edge_function', true),
  );
  probes.push(
    config.supabaseUrl
      ? new HttpDependencyProbe(
          {
            name: 'supabase',
            adapter: 'supabase',
            required: true,
            url: `${config.supabaseUrl}/auth/v1/health`,
            headers: config.supabaseAnonKey ? { apikey: config.supabaseAnonKey } : undefined,
            timeoutMs,
          },
          clock,
        )
      : new EmbeddedProbe('supabase', true),
  );
  probes.push(
    config.litellmUrl
      ? new HttpDependencyProbe(
          {
            name: 'litellm',
            adapter: 'litellm',
            required: true,
            url: `${config.litellmUrl}/health/liveliness`,
            timeoutMs,
            isUp: (s) => s === 200,
          },
          clock,
        )
      : new EmbeddedProbe('litellm', true),
  );
  if (config.redisUrl) {
    const redis = createRedisClient({ url: config.redisUrl }, logger.child({ component: 'redis' }));
    resources.add('redis', () => redis.quit());
    probes.push(new RedisProbe(redis, clock));
  }
  for (const probe of probes) c.register(DEPENDENCY_PROBES, { useValue: probe });
  c.registerInstance<HealthCheckOptions>(HEALTH_CHECK_OPTIONS, { probeTimeoutMs: timeoutMs, reuseForMs: 1000 });

  c.registerSingleton(CheckHealth);

  // Conversations and chat.
  c.registerInstance<ChatPolicy>(CHAT_POLICY, {
    defaultModel: config.effectiveDefaultModel,
    maxContextMessages: config.maxContextMessages,
  });
  c.registerInstance<TurnListener[]>(TURN_LISTENERS, [new MetricsTurnListener(metrics)]);
  for (const useCase of [
    CreateConversation,
    ListConversations,
    GetConversation,
    GetConversationFull,
    UpdateConversation,
    ListBranches,
    CreateBranch,
    ActivateBranch,
    GetMessage,
    EditMessage,
    ChatAccount,
    ReplyGenerator,
    SendChatMessage,
    RegenerateMessage,
  ] as const) {
    c.registerSingleton(useCase as never);
  }
  c.registerInstance(ADAPTER_BINDINGS, bindings);
  return c;
}
