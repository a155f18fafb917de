import { Type } from 'typebox';
import { CheckHealth, type HealthReport } from '../../../application/check-health.use-case';
import { RUNTIME_WARNINGS, type RuntimeWarning } from '../../../application/runtime-warnings';
import { CONFIG, type Config } from '../../../config/config';
import { raw, type Deprecation, type RouteSpec } from '../routing/route-spec';

const SERVICE_NAME = 'ai-chat-gateway';
const startedAt = Date.now();

const ServiceHealth = Type.Object({
  status: Type.Enum(['healthy', 'unhealthy']),
  required: Type.Boolean(),
  adapter: Type.String({ description: 'Which adapter serves it: `memory` for the embedded default.' }),
  latency_ms: Type.Number(),
  error: Type.Optional(Type.String()),
  details: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description:
        'Monitored dependencies (LiteLLM) add what their periodic probe saw: `window` recent probes, `up` of them, `availability` (ratio), `avg_latency_ms`, `last_checked_at`, `status_since`.',
    }),
  ),
});

const HealthBody = Type.Object({
  status: Type.Enum(['healthy', 'degraded', 'unhealthy']),
  version: Type.String(),
  environment: Type.String(),
  uptime_seconds: Type.Number(),
  timestamp: Type.String({ format: 'date-time' }),
  services: Type.Record(Type.String(), Type.Union([ServiceHealth, Type.Object({ status: Type.Literal('healthy') })]), {
    description: '`app` is the process itself; every other key is a dependency.',
  }),
  warnings: Type.Optional(
    Type.Array(Type.Object({ code: Type.String(), message: Type.String(), since: Type.String({ format: 'date-time' }) }), {
      description:
        'Misconfigurations noticed while running, e.g. `ignored_x_forwarded_for`: requests carry `X-Forwarded-For` in production while `TRUST_PROXY` is off. Absent when there are none; they do not change `status`.',
    }),
  ),
});

const ReadyBody = Type.Object({
  status: Type.Enum(['ready', 'not_ready']),
  reason: Type.Optional(Type.String()),
  checks: Type.Record(Type.String(), Type.Enum(['up', 'down'])),
});

const LiveBody = Type.Object({ status: Type.Literal('alive'), uptime_seconds: Type.Number() });

function uptime(): number {
  return Math.round((Date.now() - startedAt) / 1000);
}

function healthBody(report: HealthReport, config: Config, warnings: readonly RuntimeWarning[]): unknown {
  const services: Record<string, unknown> = { app: { status: 'healthy' } };
  for (const d of report.dependencies) {
    services[d.name] = {
      status: d.status === 'up' ? 'healthy' : 'unhealthy',
      required: d.required,
      adapter: d.adapter,
      latency_ms: d.latencyMs,
      ...(d.error ? { error: d.error } : {}),
      ...(d.details ? { details: d.details } : {}),
    };
  }
  return {
    status: report.status,
    version: config.version,
    environment: config.nodeEnv,
    uptime_seconds: uptime(),
    timestamp: report.checkedAt,
    services,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

function readyBody(report: HealthReport): { status: number; body: unknown } {
  const checks = Object.fromEntries(report.dependencies.map((d) => [d.name, d.status]));
  if (report.ready) return { status: 200, body: { status: 'ready', checks } };
  const reason = report.draining
    ? 'shutting down'
    : `required dependency down: ${report.dependencies
        .filter((d) => d.required && d.status === 'down')
        .map((d) => d.name)
        .join(', ')}`;
  return { status: 503, body: { status: 'not_ready', reason, checks } };
}

const exampleHealth = {
  status: 'healthy',
  version: '1.0.0',
  environment: 'production',
  uptime_seconds: 3600,
  timestamp: '2026-01-01T12:00:00.000Z',
  services: {
    app: { status: 'healthy' },
    edge_function: { status: 'healthy', required: true, adapter: 'edge-function', latency_ms: 42 },
    supabase: { status: 'healthy', required: true, adapter: 'supabase', latency_ms: 35 },
    litellm: {
      status: 'healthy',
      required: true,
      adapter: 'litellm',
      latency_ms: 18,
      details: {
        window: 20,
        up: 20,
        availability: 1,
        avg_latency_ms: 16,
        last_checked_at: '2026-01-01T11:59:55.000Z',
        status_since: '2026-01-01T09:00:00.000Z',
      },
    },
    redis: { status: 'healthy', required: false, adapter: 'redis', latency_ms: 1 },
  },
};

const exampleDegraded = {
  ...exampleHealth,
  status: 'degraded',
  services: {
    ...exampleHealth.services,
    redis: { status: 'unhealthy', required: false, adapter: 'redis', latency_ms: 500, error: 'timeout' },
  },
};

function health(path: string, operationId: string, deprecated?: Deprecation): RouteSpec {
  return {
    method: 'get',
    path,
    operationId,
    public: true,
    // Probes of load balancers and monitors are never refused.
    rateLimit: 'exempt',
    deprecated,
    tags: ['Health'],
    summary: deprecated ? 'Health (previous gateway path)' : 'Health of the service and each dependency',
    description:
      'Overall status plus each dependency with its status and probe latency. `degraded` when an optional dependency (Redis) is down, ' +
      '`unhealthy` (HTTP 503) when a required one is. Probes are cheap and free (never a model call) and their results are reused for a second. ' +
      'Not wrapped in the envelope: monitors read it as the previous gateway served it.',
    responses: {
      200: { description: 'Healthy or degraded.', schema: HealthBody, envelope: false, example: exampleHealth },
      503: {
        description: 'A required dependency is down.',
        schema: HealthBody,
        envelope: false,
        example: { ...exampleDegraded, status: 'unhealthy' },
      },
    },
    async handler({ container }) {
      const report = await container.resolve(CheckHealth).execute();
      const body = healthBody(report, container.resolve<Config>(CONFIG), container.resolve(RUNTIME_WARNINGS).list());
      return raw(body, report.status === 'unhealthy' ? 503 : 200);
    },
  };
}

function live(path: string, operationId: string, deprecated?: Deprecation): RouteSpec {
  return {
    method: 'get',
    path,
    operationId,
    public: true,
    // Probes of load balancers and monitors are never refused.
    rateLimit: 'exempt',
    deprecated,
    tags: ['Health'],
    summary: deprecated ? 'Liveness (previous gateway path)' : 'Liveness: the process answers',
    description: 'Checks the process only, never a dependency: use it for restart decisions (Railway, Docker HEALTHCHECK).',
    responses: { 200: { description: 'Alive.', schema: LiveBody, envelope: false, example: { status: 'alive', uptime_seconds: 3600 } } },
    async handler() {
      return raw({ status: 'alive', uptime_seconds: uptime() });
    },
  };
}

function ready(path: string, operationId: string, deprecated?: Deprecation): RouteSpec {
  return {
    method: 'get',
    path,
    operationId,
    public: true,
    // Probes of load balancers and monitors are never refused.
    rateLimit: 'exempt',
    deprecated,
    tags: ['Health'],
    summary: deprecated ? 'Readiness (previous gateway path)' : 'Readiness: required dependencies answer',
    description:
      'Ready when every required dependency answers its cheap probe (LiteLLM `/health/liveliness`, the Edge Function, Supabase Auth) and the process is not shutting down. ' +
      'Redis is optional and never makes the service unready.',
    responses: {
      200: {
        description: 'Ready.',
        schema: ReadyBody,
        envelope: false,
        example: { status: 'ready', checks: { edge_function: 'up', supabase: 'up', litellm: 'up', redis: 'up' } },
      },
      503: {
        description: 'Not ready: a required dependency is down or the process is draining.',
        schema: ReadyBody,
        envelope: false,
        example: {
          status: 'not_ready',
          reason: 'required dependency down: litellm',
          checks: { edge_function: 'up', supabase: 'up', litellm: 'down', redis: 'up' },
        },
      },
    },
    async handler({ container }) {
      const { status, body } = readyBody(await container.resolve(CheckHealth).execute());
      return raw(body, status);
    },
  };
}

/** The day this gateway replaced the previous one, which served `/live` and `/ready`. */
const LEGACY_PATHS_DEPRECATED_SINCE = '2026-11-28';

export function healthRoutes(): RouteSpec[] {
  return [
    health('/health', 'getHealth'),
    live('/health/live', 'getLiveness'),
    ready('/health/ready', 'getReadiness'),
    live('/live', 'getLivenessLegacy', { since: LEGACY_PATHS_DEPRECATED_SINCE, successor: '/health/live' }),
    ready('/ready', 'getReadinessLegacy', { since: LEGACY_PATHS_DEPRECATED_SINCE, successor: '/health/ready' }),
  ];
}

/** `GET /` and `GET /info`, kept from the previous gateway; `/info` lists the routes it is given. */
export function serviceInfoRoutes(listRoutes: () => readonly RouteSpec[]): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/',
      operationId: 'getRoot',
      public: true,
      tags: ['Health'],
      summary: 'Service name, version and status',
      description: 'Kept from the previous gateway.',
      responses: {
        200: {
          description: 'Running.',
          envelope: false,
          schema: Type.Object({ service: Type.String(), version: Type.String(), status: Type.Literal('running'), docs: Type.String() }),
          example: { service: SERVICE_NAME, version: '1.0.0', status: 'running', docs: '/docs' },
        },
      },
      async handler({ container }) {
        return raw({ service: SERVICE_NAME, version: container.resolve<Config>(CONFIG).version, status: 'running', docs: '/docs' });
      },
    },
    {
      method: 'get',
      path: '/info',
      operationId: 'getInfo',
      public: true,
      tags: ['Health'],
      summary: 'Service, version, features and endpoints',
      description: 'Kept from the previous gateway: what this deployment offers, derived from its route table.',
      responses: {
        200: {
          description: 'Service information.',
          envelope: false,
          schema: Type.Object({
            service: Type.String(),
            version: Type.String(),
            environment: Type.String(),
            features: Type.Array(Type.String()),
            endpoints: Type.Array(Type.Object({ method: Type.String(), path: Type.String(), summary: Type.String() })),
            docs: Type.String(),
            openapi: Type.String(),
          }),
          example: {
            service: SERVICE_NAME,
            version: '1.0.0',
            environment: 'production',
            features: ['jwt-auth', 'openapi'],
            endpoints: [{ method: 'GET', path: '/health', summary: 'Health of the service and each dependency' }],
            docs: '/docs',
            openapi: '/openapi.json',
          },
        },
      },
      async handler({ container }) {
        const config = container.resolve<Config>(CONFIG);
        const routes = listRoutes();
        const features = ['jwt-auth', 'openapi', 'health-checks'];
        if (config.enableMetrics) features.push('metrics');
        return raw({
          service: SERVICE_NAME,
          version: config.version,
          environment: config.nodeEnv,
          features,
          endpoints: routes.map((r) => ({ method: r.method.toUpperCase(), path: r.path, summary: r.summary })),
          docs: '/docs',
          openapi: '/openapi.json',
        });
      },
    },
  ];
}
