import { Type, type TSchema } from 'typebox';
import { STREAM_SETTINGS } from './stream-settings';

/**
 * Every setting the service reads, in one table: the config loader, `.env.example` and the README's
 * configuration table are all derived from it, so they cannot drift apart.
 */
export interface SettingDefinition {
  /** The environment variable. */
  env: string;
  schema: TSchema;
  /** Used when the variable is unset (also in production unless `requiredInProduction`). */
  default?: string;
  /** In production, leaving it unset stops start-up. */
  requiredInProduction?: boolean;
  /** Never printed, logged or returned. */
  secret?: boolean;
  /** Comma-separated list. */
  list?: boolean;
  description: string;
}

const httpUrl = Type.String({ pattern: '^https?://[^\\s]+$' });
const positiveInt = (maximum?: number) => Type.Integer({ minimum: 1, ...(maximum === undefined ? {} : { maximum }) });

export const SETTINGS = {
  nodeEnv: {
    env: 'NODE_ENV',
    schema: Type.Enum(['development', 'production', 'test']),
    default: 'development',
    description: '`production` enforces every required setting and hides internals; `development` runs on embedded defaults.',
  },
  host: { env: 'HOST', schema: Type.String({ minLength: 1 }), default: '0.0.0.0', description: 'Interface to listen on.' },
  port: { env: 'PORT', schema: Type.Integer({ minimum: 0, maximum: 65535 }), default: '8000', description: 'HTTP port.' },
  publicBaseUrl: {
    env: 'PUBLIC_BASE_URL',
    schema: httpUrl,
    description: 'Public URL of the gateway, used in the start banner and the OpenAPI `servers` list.',
  },
  supabaseUrl: {
    env: 'SUPABASE_URL',
    schema: httpUrl,
    requiredInProduction: true,
    description:
      'Supabase project URL. Enables the Supabase REST adapters, the JWKS endpoint and the `iss` check. Unset in development: in-memory twins.',
  },
  supabaseAnonKey: {
    env: 'SUPABASE_ANON_KEY',
    schema: Type.String({ minLength: 1 }),
    requiredInProduction: true,
    secret: true,
    description: 'Supabase anon key, sent as `apikey` on user-scoped upstream calls.',
  },
  supabaseServiceKey: {
    env: 'SUPABASE_SERVICE_KEY',
    schema: Type.String({ minLength: 1 }),
    secret: true,
    description: 'Supabase service-role key. Never used for user-scoped calls; optional.',
  },
  edgeFunctionUrl: {
    env: 'EDGE_FUNCTION_URL',
    schema: Type.String({ pattern: '^https?://[^\\s]+/conversation-manager/?$' }),
    requiredInProduction: true,
    description:
      'Full URL of the `conversation-manager` Edge Function (must end with `/conversation-manager`). Unset in development: the in-memory conversation store.',
  },
  litellmUrl: {
    env: 'LITELLM_URL',
    schema: httpUrl,
    requiredInProduction: true,
    description: 'LiteLLM proxy base URL. Unset in development: the built-in `local/echo` model.',
  },
  litellmMasterKey: {
    env: 'LITELLM_MASTER_KEY',
    schema: Type.String({ minLength: 1 }),
    requiredInProduction: true,
    secret: true,
    description: "LiteLLM master key for the gateway's own calls (catalogue, health); never for a user's chat.",
  },
  redisUrl: {
    env: 'REDIS_URL',
    schema: Type.String({ pattern: '^rediss?://[^\\s]+$' }),
    secret: true,
    description: 'Redis for the shared cache and rate limits. Unset: in-process cache and limits.',
  },
  redisKeyPrefix: {
    env: 'REDIS_KEY_PREFIX',
    schema: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    default: 'acg',
    description:
      'First segment of every cache key in Redis (`<prefix>:v1:<kind>:...`), so several deployments can share one Redis without reading each other.',
  },
  redisCommandTimeoutMs: {
    env: 'REDIS_COMMAND_TIMEOUT_MS',
    schema: positiveInt(10000),
    default: '250',
    description:
      'Longest wait for one Redis command. A slower Redis is treated as down: the service answers from the source and the in-process cache.',
  },
  cacheTtlModelsSeconds: {
    env: 'CACHE_TTL_MODELS_SECONDS',
    schema: positiveInt(86400),
    default: '3600',
    description:
      'How long the model catalogue is cached. When LiteLLM is down after that, the last good catalogue is served, marked stale.',
  },
  cacheTtlProfileSeconds: {
    env: 'CACHE_TTL_PROFILE_SECONDS',
    schema: positiveInt(86400),
    default: '900',
    description: 'How long a user profile and balance are cached (invalidated at once by a profile change and when a chat finishes).',
  },
  litellmHealthIntervalSeconds: {
    env: 'LITELLM_HEALTH_INTERVAL_SECONDS',
    schema: positiveInt(3600),
    default: '15',
    description: 'Period of the LiteLLM liveness probe (`/health/liveliness`, free) behind `/health` and readiness.',
  },
  jwtSecretKey: {
    env: 'JWT_SECRET_KEY',
    schema: Type.String({ minLength: 32 }),
    requiredInProduction: true,
    secret: true,
    description:
      'Supabase JWT secret for HS256 tokens (at least 32 characters). In development a fixed development secret is used when unset, and the banner says so.',
  },
  jwtAlgorithm: {
    env: 'JWT_ALGORITHM',
    schema: Type.Enum(['HS256', 'HS384', 'HS512']),
    default: 'HS256',
    description: 'Algorithm of tokens signed with `JWT_SECRET_KEY` (and of `npm run token`).',
  },
  jwtAllowedAlgorithms: {
    env: 'JWT_ALLOWED_ALGORITHMS',
    schema: Type.Array(Type.Enum(['HS256', 'HS384', 'HS512', 'ES256', 'RS256']), { minItems: 1 }),
    list: true,
    default: 'HS256,ES256,RS256',
    description:
      'Allow-list of token algorithms. HS* verify with `JWT_SECRET_KEY` only; ES256/RS256 with the JWKS only. `none` is never accepted. Must contain `JWT_ALGORITHM` whenever it allows an HS* algorithm or `JWT_ALGORITHM` is set.',
  },
  jwtAudience: {
    env: 'JWT_AUDIENCE',
    schema: Type.String({ minLength: 1 }),
    default: 'authenticated',
    description: 'Required `aud` claim.',
  },
  jwtIssuer: {
    env: 'JWT_ISSUER',
    schema: Type.String({ minLength: 1 }),
    description: 'Required `iss` claim. Default: `<SUPABASE_URL>/auth/v1` when SUPABASE_URL is set, else not checked.',
  },
  jwksUrl: {
    env: 'JWKS_URL',
    schema: httpUrl,
    description: 'JWKS for ES256/RS256 tokens. Default: `<SUPABASE_URL>/auth/v1/.well-known/jwks.json`.',
  },
  jwksCacheSeconds: {
    env: 'JWKS_CACHE_SECONDS',
    schema: positiveInt(600),
    default: '600',
    description: 'How long the JWKS is cached (Supabase caches it 10 minutes: at most 600).',
  },
  jwksMaxStaleSeconds: {
    env: 'JWKS_MAX_STALE_SECONDS',
    schema: positiveInt(7 * 24 * 3600),
    default: '3600',
    description:
      'While the JWKS endpoint is down, the last keys fetched are still used for this long after that fetch; then they are dropped and ES256/RS256 tokens get 503 until the endpoint answers again.',
  },
  jwksRefetchIntervalSeconds: {
    env: 'JWKS_REFETCH_INTERVAL_SECONDS',
    schema: positiveInt(3600),
    default: '30',
    description: 'Minimum time between two JWKS refetches caused by an unknown `kid` (key rotation).',
  },
  jwtClockSkewSeconds: {
    env: 'JWT_CLOCK_SKEW_SECONDS',
    schema: Type.Integer({ minimum: 0, maximum: 300 }),
    default: '30',
    description: 'Clock skew tolerated on `exp` and `nbf`.',
  },
  defaultModel: {
    env: 'DEFAULT_MODEL',
    schema: Type.String({ minLength: 1, maxLength: 200 }),
    description: 'Model of a conversation created without one. Default: `local/echo` without LITELLM_URL, else `gpt-4o-mini`.',
  },
  maxContextMessages: {
    env: 'MAX_CONTEXT_MESSAGES',
    schema: positiveInt(1000),
    default: '100',
    description: 'How many of the newest messages of a branch are sent to the model.',
  },
  streamTimeoutSeconds: {
    env: 'STREAM_TIMEOUT',
    schema: positiveInt(3600),
    default: '120',
    description: 'Overall limit of one streamed completion, in seconds.',
  },
  llmFirstTokenTimeoutMs: {
    env: 'LLM_FIRST_TOKEN_TIMEOUT_MS',
    schema: positiveInt(600000),
    default: '60000',
    description:
      'Limit from sending a chat to LiteLLM until its first content token (queueing and prompt processing included), in milliseconds.',
  },
  llmIdleTimeoutMs: {
    env: 'LLM_IDLE_TIMEOUT_MS',
    schema: positiveInt(600000),
    default: '60000',
    description: 'Longest silence between two chunks of a streamed completion before it is abandoned with 504, in milliseconds.',
  },
  ssePingIntervalMs: {
    env: 'SSE_PING_INTERVAL_MS',
    schema: positiveInt(600000),
    default: '15000',
    description:
      'Silence on a chat stream after which a `: ping` comment is sent, so proxies with idle timeouts keep the connection, in milliseconds.',
  },
  localModelTokenDelayMs: {
    env: 'LOCAL_MODEL_TOKEN_DELAY_MS',
    schema: Type.Integer({ minimum: 0, maximum: 10000 }),
    default: '20',
    description: 'Pause between two tokens of the built-in `local/echo` and `local/lorem` models (embedded default), in milliseconds.',
  },
  connectionPoolSize: {
    env: 'CONNECTION_POOL_SIZE',
    schema: positiveInt(10000),
    default: '100',
    description: 'Maximum open keep-alive sockets per upstream.',
  },
  upstreamTimeoutMs: {
    env: 'UPSTREAM_TIMEOUT_MS',
    schema: positiveInt(120000),
    default: '10000',
    description: 'Timeout of one non-streaming upstream call (connect to last byte), in milliseconds.',
  },
  upstreamMaxResponseBytes: {
    env: 'UPSTREAM_MAX_RESPONSE_BYTES',
    schema: Type.Integer({ minimum: 65536, maximum: 1024 * 1024 * 1024 }),
    default: '33554432',
    description:
      'Largest non-streamed upstream answer read into memory (Edge Function, Supabase, LiteLLM); a larger one fails the call with 502 `UPSTREAM_CONTRACT`. One streamed model event is capped at 1 MiB the same way.',
  },
  healthProbeTimeoutMs: {
    env: 'HEALTH_PROBE_TIMEOUT_MS',
    schema: positiveInt(30000),
    default: '2000',
    description: 'Timeout of one dependency probe in `/health` and `/health/ready`.',
  },
  enableMetrics: {
    env: 'ENABLE_METRICS',
    schema: Type.Boolean(),
    default: 'true',
    description: 'Serve Prometheus metrics at `/metrics`.',
  },
  metricsToken: {
    env: 'METRICS_TOKEN',
    schema: Type.String({ minLength: 16 }),
    secret: true,
    description:
      'When set, `/metrics` requires `Authorization: Bearer <METRICS_TOKEN>`. In production metrics need this or `METRICS_PORT`, else start-up fails.',
  },
  metricsPort: {
    env: 'METRICS_PORT',
    schema: Type.Integer({ minimum: 0, maximum: 65535 }),
    description:
      'When set, `/metrics` is served only by a separate listener on this port and `METRICS_HOST`, and the main port answers 404 for it (the usual Prometheus set-up). Must differ from `PORT`.',
  },
  metricsHost: {
    env: 'METRICS_HOST',
    schema: Type.String({ minLength: 1 }),
    default: '127.0.0.1',
    description:
      'Interface of the `METRICS_PORT` listener: loopback by default. On Railway use `::` (the private network is IPv6; only the public port is routed from outside).',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    schema: Type.Enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
    default: 'info',
    description: 'bunyan log level (case-insensitive: `INFO` works).',
  },
  rateLimitEnabled: {
    env: 'RATE_LIMIT_ENABLED',
    schema: Type.Boolean(),
    default: 'true',
    description: 'Per-user and per-IP rate limits (shared through Redis when REDIS_URL is set, per process otherwise).',
  },
  rateLimitWindowSeconds: {
    env: 'RATE_LIMIT_WINDOW_SECONDS',
    schema: positiveInt(86400),
    default: '60',
    description: 'Window of every rate limit below.',
  },
  rateLimitAnonymous: {
    env: 'RATE_LIMIT_ANONYMOUS',
    schema: positiveInt(1_000_000),
    default: '300',
    description: 'Requests per window per client IP, before authentication (also bounds token guessing).',
  },
  rateLimitChat: {
    env: 'RATE_LIMIT_CHAT',
    schema: positiveInt(1_000_000),
    default: '30',
    description: 'Chat completions and regenerations per window per user.',
  },
  rateLimitReads: {
    env: 'RATE_LIMIT_READS',
    schema: positiveInt(1_000_000),
    default: '600',
    description: 'Reads (GET) per window per user.',
  },
  rateLimitWrites: {
    env: 'RATE_LIMIT_WRITES',
    schema: positiveInt(1_000_000),
    default: '120',
    description: 'Writes (POST, PATCH, DELETE) per window per user.',
  },
  rateLimitBatch: {
    env: 'RATE_LIMIT_BATCH',
    schema: positiveInt(1_000_000),
    default: '10',
    description: 'Batch updates, batch deletions and exports per window per user.',
  },
  supabaseMaxRows: {
    env: 'SUPABASE_MAX_ROWS',
    schema: positiveInt(100000),
    default: '1000',
    description:
      "The Supabase project's `max_rows` (API settings; 1000 by default). Supabase cuts every answer to it silently, so searches, statistics and exports read pages of at most this many rows: set it when the project uses a smaller value.",
  },
  searchMaxCandidates: {
    env: 'SEARCH_MAX_CANDIDATES',
    schema: positiveInt(10000),
    default: '1000',
    description:
      'Newest title matches and newest message matches one search looks at (each). A term matching more is answered from those, marked `truncated`.',
  },
  batchConcurrency: {
    env: 'BATCH_CONCURRENCY',
    schema: positiveInt(50),
    default: '5',
    description: 'Upstream calls one batch update keeps in flight at once.',
  },
  batchDeleteConfirmationSecret: {
    env: 'BATCH_DELETE_CONFIRMATION_SECRET',
    schema: Type.String({ minLength: 32 }),
    secret: true,
    description:
      'HMAC key of the confirmation tokens of `DELETE /v1/conversations/batch` (at least 32 characters, the same on every replica). Default: derived from the JWT secret.',
  },
  batchDeleteConfirmationTtlSeconds: {
    env: 'BATCH_DELETE_CONFIRMATION_TTL_SECONDS',
    schema: positiveInt(3600),
    default: '300',
    description: 'How long a mass-deletion confirmation token stays valid.',
  },
  cacheTtlActivitySeconds: {
    env: 'CACHE_TTL_ACTIVITY_SECONDS',
    schema: positiveInt(86400),
    default: '60',
    description:
      'How long conversation statistics and usage reports are cached (dropped at once by batch updates, deletions and finished chats).',
  },
  maxStreamsPerUser: {
    env: 'MAX_STREAMS_PER_USER',
    schema: positiveInt(1000),
    default: '5',
    description: 'Chat streams one user may have open at once; one more is 429.',
  },
  shutdownDeadlineSeconds: {
    env: 'SHUTDOWN_DEADLINE_SECONDS',
    schema: Type.Integer({ minimum: 0, maximum: 600 }),
    default: '25',
    description:
      "On SIGTERM: how long in-flight requests and streams may run on before open streams are ended (error event, then `[DONE]`). Keep it below the platform's kill timeout.",
  },
  corsOrigins: {
    env: 'CORS_ORIGINS',
    schema: Type.Array(Type.String({ pattern: '^(\\*|https?://[^\\s/]+)$' })),
    list: true,
    default: '',
    description:
      'Comma-separated origins allowed by CORS (e.g. `https://app.example.com`). Empty: no cross-origin access. `*` only outside production.',
  },
  bodyLimitBytes: {
    env: 'BODY_LIMIT_BYTES',
    schema: positiveInt(50 * 1024 * 1024),
    default: '1048576',
    description: 'Largest accepted request body; larger ones get 413.',
  },
  importLimitBytes: {
    env: 'IMPORT_LIMIT_BYTES',
    schema: positiveInt(1024 * 1024 * 1024),
    default: '52428800',
    description:
      'Largest file `POST /v1/import` accepts (default 50 MB); larger ones get 413. The file is parsed as a stream, so memory does not grow with it (it is spooled to a temporary file).',
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    schema: Type.Boolean(),
    default: 'false',
    description: 'Trust `X-Forwarded-*` headers (set behind Railway or another load balancer) for the client IP.',
  },
  httpKeepAliveTimeoutMs: {
    env: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 1000, maximum: 3_600_000 }),
    default: '65000',
    description:
      "How long an idle keep-alive connection stays open, in milliseconds. Must exceed the load balancer's idle timeout (60 s on most), so the balancer never reuses a connection the service is closing.",
  },
  debugRequests: {
    env: 'DEBUG_REQUESTS',
    schema: Type.Boolean(),
    description:
      'Keep the last requests (sanitised) for `GET /debug/requests` and `npm run replay -- <request-id>`. Default: on in development, off otherwise; refused in production.',
  },
  debugRequestsLimit: {
    env: 'DEBUG_REQUESTS_LIMIT',
    schema: positiveInt(10000),
    default: '100',
    description: 'How many requests `DEBUG_REQUESTS` keeps (the oldest is dropped first).',
  },
  ...STREAM_SETTINGS,
} as const satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTINGS;
