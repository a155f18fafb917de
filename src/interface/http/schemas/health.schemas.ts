import { Type } from 'typebox';

/** The bodies of `/health`, `/health/live` and `/health/ready`, as monitors read them. */

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

export const HealthBody = Type.Object({
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

export const ReadyBody = Type.Object({
  status: Type.Enum(['ready', 'not_ready']),
  reason: Type.Optional(Type.String()),
  checks: Type.Record(Type.String(), Type.Enum(['up', 'down'])),
});

export const LiveBody = Type.Object({ status: Type.Literal('alive'), uptime_seconds: Type.Number() });

export const exampleHealth = {
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

export const exampleDegraded = {
  ...exampleHealth,
  status: 'degraded',
  services: {
    ...exampleHealth.services,
    redis: { status: 'unhealthy', required: false, adapter: 'redis', latency_ms: 500, error: 'timeout' },
  },
};
