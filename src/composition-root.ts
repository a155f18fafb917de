import 'reflect-metadata';
import type { Writable } from 'node:stream';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { EdgeFunctionConversationStore } from './adapters/edge-function/edge-function-conversation-store';
import { LiteLlmGateway } from './adapters/litellm/litellm-llm-gateway';
import { LOCAL_MODEL_IDS, LocalEchoLlmGateway } from './adapters/memory/local-echo-llm-gateway';
import { JwksKeyStore } from './adapters/supabase/auth/jwks-key-store';
import { SupabaseAccessTokenVerifier } from './adapters/supabase/auth/supabase-access-token-verifier';
import { SupabaseUserDirectory } from './adapters/supabase/supabase-user-directory';
import { HttpDependencyProbe } from './adapters/http-probe/http-dependency-probe';
import { createLogger } from './adapters/logging/bunyan-logger';
import { EmbeddedProbe } from './adapters/memory/embedded-probe';
import { closeUpstreamPools, UpstreamClient } from './adapters/http/upstream-client';
import { LitellmHealthMonitor, probeCallLogger } from './adapters/litellm/litellm-health-monitor';
import { LitellmKeyInfo } from './adapters/litellm/litellm-key-info';
import { LitellmModelCatalog } from './adapters/litellm/litellm-model-catalog';
import { NoKeyInfo } from './adapters/memory/no-key-info';
import { LocalModelCatalog } from './adapters/memory/local-model-catalog';
import { MemoryCache } from './adapters/memory/memory-cache';
import { MemoryConversationStore } from './adapters/memory/memory-conversation-store';
import { MemoryUserDirectory } from './adapters/memory/memory-user-directory';
import { RedisCache } from './adapters/redis/redis-cache';
import { createRedisClient } from './adapters/redis/redis-client';
import { RedisProbe } from './adapters/redis/redis-probe';
import { RedisStreamSlots } from './adapters/redis/redis-stream-slots';
import { NoopMetrics } from './adapters/metrics/noop-metrics';
import { PrometheusMetrics } from './adapters/metrics/prometheus-metrics';
import { CryptoIdGenerator } from './adapters/system/crypto-id-generator';
import { SystemClock } from './adapters/system/system-clock';
import { CACHED_READER_OPTIONS, CachedReader, type CachedReaderOptions } from './application/cache/cached-reader';
import { CheckHealth, HEALTH_CHECK_OPTIONS, type HealthCheckOptions } from './application/check-health.use-case';
import { GetModel } from './application/models/get-model.use-case';
import { ListModels } from './application/models/list-models.use-case';
import { MODELS_CACHE_KIND, MODELS_LAST_GOOD_CACHE_KIND, ModelCatalogReader } from './application/models/model-catalog-reader';
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
import { GetBalance, KEY_SPEND_CACHE_KIND } from './application/user/get-balance.use-case';
import { GetProfile } from './application/user/get-profile.use-case';
import { InvalidateUserCacheOnTurn } from './application/user/invalidate-on-turn.listener';
import { InvalidateUserCache } from './application/user/invalidate-user-cache.use-case';
import { UpdateProfile } from './application/user/update-profile.use-case';
import { PROFILE_CACHE_KIND, UserProfileCache } from './application/user/user-profile-cache';
import { CONFIG, type Config } from './config/config';
import { secretValues } from './config/load-config';
import { ACCESS_TOKEN_VERIFIER } from './ports/access-token-verifier.port';
import { CACHE, LOCAL_CACHE } from './ports/cache.port';
import { CACHE_OBSERVER } from './ports/cache-observer.port';
import { CLOCK, type Clock } from './ports/clock.port';
import { DEPENDENCY_PROBES, type DependencyProbe } from './ports/dependency-probe.port';
import { CONVERSATION_STORE, type ConversationStore } from './ports/conversation-store.port';
import { ID_GENERATOR, type IdGenerator } from './ports/id-generator.port';
import { AUDIT_LOGGER, LOGGER, type Logger } from './ports/logger.port';
import { LLM_GATEWAY, type LlmGateway } from './ports/llm-gateway.port';
import { LLM_KEY_INFO, type LlmKeyInfoSource } from './ports/llm-key-info.port';
import { METRICS } from './ports/metrics.port';
import { RATE_LIMIT_STORE, STREAM_SLOTS, type RateLimitStore, type StreamSlots } from './ports/rate-limit-store.port';
import { USER_DIRECTORY } from './ports/user-directory.port';
import { MODEL_CATALOG_SOURCE } from './ports/model-catalog.port';
import { REQUEST_JOURNAL, type RequestJournal } from './ports/request-journal.port';
import { RingBufferRequestJournal } from './adapters/logging/ring-buffer-request-journal';
import { createHmac, randomBytes } from 'node:crypto';
import { MemoryConversationIndex } from './adapters/memory/memory-conversation-index';
import { PostgrestClient } from './adapters/supabase/postgrest-client';
import { SupabaseConversationIndex } from './adapters/supabase/supabase-conversation-index';
import {
  ACTIVITY_CACHE_KIND,
  ConversationActivityCache,
  InvalidateActivityOnTurn,
} from './application/conversations/conversation-activity-cache';
import { CONVERSATION_INDEX_POLICY, type ConversationIndexPolicy } from './application/conversations/conversation-index-policy';
import { ConversationMatcher } from './application/conversations/conversation-matcher';
import { SearchConversations } from './application/conversations/search-conversations.use-case';
import { BatchUpdateConversations } from './application/conversations/batch-update-conversations.use-case';
import { BatchDeleteConversations } from './application/conversations/batch-delete-conversations.use-case';
import { DELETE_CONFIRMATION_OPTIONS, type DeleteConfirmationOptions } from './application/conversations/delete-confirmation';
import { ExportConversations } from './application/export/export-conversations.use-case';
import { GetUsage } from './application/user/get-usage.use-case';
import { GetConversationStats } from './application/user/get-conversation-stats.use-case';
import { CONVERSATION_INDEX, type ConversationIndex } from './ports/conversation-index.port';
import { registerStreams } from './wiring/streams.wiring';

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

  // Closed last (closers run in reverse order): no upstream call is left once everything else stopped.
  resources.add('upstream-pools', async () => closeUpstreamPools());
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
  c.registerInstance<CachedReaderOptions>(CACHED_READER_OPTIONS, {
    kinds: {
      [MODELS_CACHE_KIND]: { ttlSeconds: config.cacheTtlModelsSeconds },
      // Outlives the catalogue's TTL: served, marked stale, while LiteLLM is down.
      [MODELS_LAST_GOOD_CACHE_KIND]: { ttlSeconds: 7 * 24 * 3600 },
      // Profile and balance are one row: one entry, one invalidation.
      [PROFILE_CACHE_KIND]: { ttlSeconds: config.cacheTtlProfileSeconds, perUser: true },
      [KEY_SPEND_CACHE_KIND]: { ttlSeconds: config.cacheTtlProfileSeconds, perUser: true },
      [ACTIVITY_CACHE_KIND]: { ttlSeconds: config.cacheTtlActivitySeconds, perUser: true },
    },
    sharedTimeoutMs: config.redisCommandTimeoutMs,
    retryDownMs: 1000,
  });
  c.registerSingleton(CachedReader);

  // Model catalogue: LiteLLM `/model/info` with the master key, or the built-in local model(s).
  const litellm = config.litellmUrl
    ? new UpstreamClient(
        {
          name: 'litellm',
          baseURL: config.litellmUrl,
          poolSize: config.connectionPoolSize,
          timeoutMs: config.upstreamTimeoutMs,
          observer: metrics,
        },
        clock,
        logger.child({ component: 'litellm' }),
      )
    : undefined;
  c.registerInstance(
    MODEL_CATALOG_SOURCE,
    litellm
      ? new LitellmModelCatalog(litellm, { masterKey: config.litellmMasterKey }, logger.child({ component: 'model-catalog' }))
      : new LocalModelCatalog(),
  );
  c.registerInstance<LlmKeyInfoSource>(LLM_KEY_INFO, litellm ? new LitellmKeyInfo(litellm) : new NoKeyInfo());
  bind('ModelCatalogSource', litellm ? 'litellm' : 'local', litellm ? host(config.litellmUrl) : 'local/echo');
  c.registerSingleton(ModelCatalogReader);
  c.registerSingleton(ListModels);
  c.registerSingleton(GetModel);

  // User directory: Supabase `user_profiles` with the user's own JWT, or the in-memory twin.
  // One Supabase REST client (one pool, one circuit breaker) for every adapter on that upstream.
  const supabaseRestOptions = config.supabaseUrl
    ? {
        supabaseUrl: config.supabaseUrl,
        anonKey: config.supabaseAnonKey,
        poolSize: config.connectionPoolSize,
        timeoutMs: config.upstreamTimeoutMs,
        observer: metrics,
      }
    : undefined;
  const supabaseRest = supabaseRestOptions
    ? new PostgrestClient(supabaseRestOptions, clock, logger.child({ component: 'supabase-rest' }))
    : undefined;
  if (supabaseRestOptions && supabaseRest) {
    const directory = new SupabaseUserDirectory(
      { ...supabaseRestOptions, client: supabaseRest },
      clock,
      logger.child({ component: 'user-directory' }),
    );
    c.registerInstance(USER_DIRECTORY, directory);
    bind('UserDirectory', 'supabase-rest', host(config.supabaseUrl));
  } else {
    c.registerInstance(USER_DIRECTORY, new MemoryUserDirectory(clock));
    bind('UserDirectory', 'memory');
  }
  c.registerSingleton(UserProfileCache);
  c.registerSingleton(GetProfile);
  c.registerSingleton(GetBalance);
  c.registerSingleton(UpdateProfile);
  c.registerSingleton(InvalidateUserCache);

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
  if (config.litellmUrl) {
    // A periodic probe with its own small client: no retries (one probe, one sample), no breaker.
    const probeClient = new UpstreamClient(
      { name: 'litellm_health', baseURL: config.litellmUrl, poolSize: 2, timeoutMs, retries: 0, failureThreshold: Number.MAX_SAFE_INTEGER },
      clock,
      probeCallLogger(logger.child({ component: 'litellm-health' })),
    );
    const monitor = new LitellmHealthMonitor(
      probeClient,
      { intervalMs: config.litellmHealthIntervalSeconds * 1000, timeoutMs },
      clock,
      logger.child({ component: 'litellm-health' }),
    );
    monitor.start();
    resources.add('litellm-health-monitor', async () => monitor.stop());
    probes.push(monitor);
  } else probes.push(new EmbeddedProbe('litellm', true));
  if (redis) probes.push(new RedisProbe(redis, clock));
  c.registerInstance<RateLimitStore>(RATE_LIMIT_STORE, { redisClient: redis, isShared: () => redis?.status === 'ready' });
  c.registerInstance<StreamSlots>(STREAM_SLOTS, new RedisStreamSlots(redis, config.streamTimeoutSeconds + 60, config.redisKeyPrefix));
  bind('RateLimits', redis ? 'redis (per-process fallback)' : 'per-process');
  for (const probe of probes) c.register(DEPENDENCY_PROBES, { useValue: probe });
  c.registerInstance<HealthCheckOptions>(HEALTH_CHECK_OPTIONS, { probeTimeoutMs: timeoutMs, reuseForMs: 1000 });

  c.registerSingleton(CheckHealth);

  // Conversations: the Edge Function, or its in-memory twin (the embedded default).
  if (config.edgeFunctionUrl) {
    const store = new EdgeFunctionConversationStore(
      {
        baseUrl: config.edgeFunctionUrl,
        anonKey: config.supabaseAnonKey ?? '',
        poolSize: config.connectionPoolSize,
        timeoutMs: config.upstreamTimeoutMs,
      },
      clock,
      logger.child({ component: 'edge-function' }),
      metrics,
    );
    c.registerInstance<ConversationStore>(CONVERSATION_STORE, store);
    bind('ConversationStore', 'edge-function', host(config.edgeFunctionUrl));
  } else {
    const ids = c.resolve<IdGenerator>(ID_GENERATOR);
    c.registerInstance<ConversationStore>(CONVERSATION_STORE, new MemoryConversationStore(clock, ids, config.effectiveDefaultModel));
    bind('ConversationStore', 'memory');
  }

  // The model proxy: LiteLLM with the user's own key, or the built-in local models.
  if (config.litellmUrl) {
    c.registerInstance<LlmGateway>(
      LLM_GATEWAY,
      new LiteLlmGateway(
        {
          baseUrl: config.litellmUrl,
          poolSize: config.connectionPoolSize,
          firstTokenTimeoutMs: config.llmFirstTokenTimeoutMs,
          idleTimeoutMs: config.llmIdleTimeoutMs,
          totalTimeoutMs: config.streamTimeoutSeconds * 1000,
          observer: metrics,
        },
        clock,
        logger.child({ component: 'litellm' }),
      ),
    );
    bind('LlmGateway', 'litellm', host(config.litellmUrl));
  } else {
    c.registerInstance<LlmGateway>(LLM_GATEWAY, new LocalEchoLlmGateway({ tokenDelayMs: config.localModelTokenDelayMs }));
    bind('LlmGateway', 'local', LOCAL_MODEL_IDS.join(', '));
  }

  // Conversations and chat.
  c.registerInstance<ChatPolicy>(CHAT_POLICY, {
    defaultModel: config.effectiveDefaultModel,
    maxContextMessages: config.maxContextMessages,
  });
  c.registerInstance<TurnListener[]>(TURN_LISTENERS, [
    new MetricsTurnListener(metrics),
    new InvalidateUserCacheOnTurn(c.resolve(InvalidateUserCache)),
    new InvalidateActivityOnTurn(c.resolve(ConversationActivityCache)),
  ]);
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
  // Development aid: the last requests, sanitised, for GET /debug/requests and `npm run replay`.
  if (!config.isProduction && (config.debugRequests ?? config.nodeEnv === 'development')) {
    c.registerInstance<RequestJournal>(
      REQUEST_JOURNAL,
      new RingBufferRequestJournal({ capacity: config.debugRequestsLimit, maxBodyBytes: 16 * 1024, secrets: secretValues(config) }),
    );
    bind('RequestJournal', 'ring-buffer', `last ${config.debugRequestsLimit} requests at /debug/requests`);
  }

  // Conversation index (search, filtered lists, mass deletion, usage and statistics): Supabase REST
  // on the same tables as the Edge Function, or a second view of the memory store's own rows.
  let index: ConversationIndex;
  if (supabaseRestOptions && supabaseRest) {
    index = new SupabaseConversationIndex(
      { ...supabaseRestOptions, client: supabaseRest, pageSize: config.supabaseMaxRows },
      clock,
      logger.child({ component: 'conversation-index' }),
    );
    bind('ConversationIndex', 'supabase-rest', host(config.supabaseUrl));
  } else {
    const store = c.resolve<ConversationStore>(CONVERSATION_STORE);
    const tables =
      store instanceof MemoryConversationStore ? store : new MemoryConversationStore(clock, c.resolve<IdGenerator>(ID_GENERATOR));
    if (tables !== store)
      logger.warn({}, 'EDGE_FUNCTION_URL is set without SUPABASE_URL: search, statistics and mass deletion see no conversations');
    index = new MemoryConversationIndex(tables);
    bind('ConversationIndex', 'memory', tables === store ? undefined : 'empty: set SUPABASE_URL');
  }
  c.registerInstance(CONVERSATION_INDEX, index);
  c.registerInstance<ConversationIndexPolicy>(CONVERSATION_INDEX_POLICY, {
    searchMaxCandidates: config.searchMaxCandidates,
    batchConcurrency: config.batchConcurrency,
    activityMaxRows: 100_000,
  });
  // Derived, like the development JWT secret, so one setting is enough in production; a change of
  // JWT secret only voids the confirmations in flight.
  let confirmationSecret =
    config.batchDeleteConfirmationSecret ??
    (config.jwtSecret && createHmac('sha256', config.jwtSecret).update('batch-delete-confirmation/v1').digest('hex'));
  if (!confirmationSecret) {
    confirmationSecret = randomBytes(32).toString('hex');
    logger.warn({}, 'no BATCH_DELETE_CONFIRMATION_SECRET nor JWT secret: mass-deletion confirmations are valid on this replica only');
  }
  c.registerInstance<DeleteConfirmationOptions>(DELETE_CONFIRMATION_OPTIONS, {
    secret: confirmationSecret,
    ttlSeconds: config.batchDeleteConfirmationTtlSeconds,
  });
  for (const useCase of [
    ConversationActivityCache,
    ConversationMatcher,
    SearchConversations,
    BatchUpdateConversations,
    BatchDeleteConversations,
    ExportConversations,
    GetUsage,
    GetConversationStats,
  ] as const) {
    c.registerSingleton(useCase as never);
  }
  registerStreams(c, config, { logger, redis, resources, bind });
  c.registerInstance(ADAPTER_BINDINGS, bindings);
  return c;
}
