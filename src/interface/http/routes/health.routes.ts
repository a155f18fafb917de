import { Type } from 'typebox';
import { CheckHealth, type HealthReport } from '../../../application/health/check-health.use-case';
import { RUNTIME_WARNINGS, type RuntimeWarning, type RuntimeWarnings } from '../../../application/service/runtime-warnings';
import { CONFIG, type Config } from '../../../config/config';
import { raw, type Deprecation, type RouteSpec } from '../routing/route-spec';
import type { RouteDeps } from '../routing/route-deps';
import { exampleDegraded, exampleHealth, HealthBody, LiveBody, ReadyBody } from '../schemas/health.schemas';

const SERVICE_NAME = 'ai-chat-gateway';
const startedAt = Date.now();

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

function health({ checkHealth, config, warnings }: HealthDeps, path: string, operationId: string, deprecated?: Deprecation): RouteSpec {
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
    async handler() {
      const report = await checkHealth.execute();
      const body = healthBody(report, config, warnings.list());
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

function ready({ checkHealth }: HealthDeps, path: string, operationId: string, deprecated?: Deprecation): RouteSpec {
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
    async handler() {
      const { status, body } = readyBody(await checkHealth.execute());
      return raw(body, status);
    },
  };
}

/** The day this gateway replaced the previous one, which served `/live` and `/ready`. */
const LEGACY_PATHS_DEPRECATED_SINCE = '2026-11-28';

interface HealthDeps {
  checkHealth: CheckHealth;
  config: Config;
  warnings: RuntimeWarnings;
}

export function healthRoutes(deps: RouteDeps): RouteSpec[] {
  const resolved: HealthDeps = { checkHealth: deps.get(CheckHealth), config: deps.get(CONFIG), warnings: deps.get(RUNTIME_WARNINGS) };
  return [
    health(resolved, '/health', 'getHealth'),
    live('/health/live', 'getLiveness'),
    ready(resolved, '/health/ready', 'getReadiness'),
    live('/live', 'getLivenessLegacy', { since: LEGACY_PATHS_DEPRECATED_SINCE, successor: '/health/live' }),
    ready(resolved, '/ready', 'getReadinessLegacy', { since: LEGACY_PATHS_DEPRECATED_SINCE, successor: '/health/ready' }),
  ];
}

/** `GET /` and `GET /info`, kept from the previous gateway; `/info` lists the routes it is given. */
export function serviceInfoRoutes(deps: RouteDeps, listRoutes: () => readonly RouteSpec[]): RouteSpec[] {
  const config = deps.get(CONFIG);
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
      async handler() {
        return raw({ service: SERVICE_NAME, version: config.version, status: 'running', docs: '/docs' });
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
      async handler() {
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
