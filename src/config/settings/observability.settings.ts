import { Type } from 'typebox';
import { type SettingDefinition } from '../setting-definition';

/** Logs and metrics. */
export const OBSERVABILITY_SETTINGS = {
  logLevel: {
    env: 'LOG_LEVEL',
    schema: Type.Enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
    default: 'info',
    description: 'bunyan log level (case-insensitive: `INFO` works). JSON lines on stdout, written together once per event-loop turn.',
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
} as const satisfies Record<string, SettingDefinition>;
