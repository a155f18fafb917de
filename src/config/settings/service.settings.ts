import { Type } from 'typebox';
import { httpUrl, positiveInt, type SettingDefinition } from '../setting-definition';

/** The process: environment, listening socket, HTTP limits, shutdown, development aids. */
export const SERVICE_SETTINGS = {
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
} as const satisfies Record<string, SettingDefinition>;
