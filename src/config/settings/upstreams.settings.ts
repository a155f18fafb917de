import { Type } from 'typebox';
import { httpUrl, positiveInt, type SettingDefinition } from '../setting-definition';

/** Where the upstreams are, their credentials, and how the gateway talks to them. */
export const UPSTREAM_SETTINGS = {
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
  litellmHealthIntervalSeconds: {
    env: 'LITELLM_HEALTH_INTERVAL_SECONDS',
    schema: positiveInt(3600),
    default: '15',
    description: 'Period of the LiteLLM liveness probe (`/health/liveliness`, free) behind `/health` and readiness.',
  },
} as const satisfies Record<string, SettingDefinition>;
