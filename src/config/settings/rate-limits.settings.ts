import { Type } from 'typebox';
import { positiveInt, type SettingDefinition } from '../setting-definition';

/** Requests per window, by kind of route. */
export const RATE_LIMIT_SETTINGS = {
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
} as const satisfies Record<string, SettingDefinition>;
