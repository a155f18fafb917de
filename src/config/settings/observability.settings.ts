import { Type } from 'typebox';
import { type SettingDefinition } from '../setting-definition';

/** Logs and metrics. */
export const OBSERVABILITY_SETTINGS = {
  logLevel: {
    env: 'LOG_LEVEL',
    schema: Type.Enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
    default: 'info',
    description: 'bunyan log level (case-insensitive: `INFO` works).',
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
    description: 'When set, `/metrics` requires `Authorization: Bearer <METRICS_TOKEN>`.',
  },
} as const satisfies Record<string, SettingDefinition>;
