import { Type } from 'typebox';
import { positiveInt, type SettingDefinition } from '../setting-definition';

/** Where conversations (and, without Supabase, profiles) are kept: the store and its database. */
export const STORAGE_SETTINGS = {
  storage: {
    env: 'STORAGE',
    schema: Type.Enum(['auto', 'edge-function', 'postgres', 'pglite', 'memory']),
    default: 'auto',
    description:
      'Where conversations (and, without Supabase, profiles) are kept. `auto`: the Edge Function when `EDGE_FUNCTION_URL` is set, else the PostgreSQL server of `DATABASE_URL` when set, else embedded PGlite in `DATA_DIR`. `memory`: in-process twins, lost on restart (tests, demos; refused in production).',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: Type.String({ pattern: '^postgres(ql)?://[^\\s]+$' }),
    secret: true,
    description:
      'PostgreSQL server for conversations and profiles (`postgres://user:password@host:5432/database`), through a connection pool. Migrations run at start-up.',
  },
  dataDir: {
    env: 'DATA_DIR',
    schema: Type.String({ minLength: 1 }),
    default: './data',
    description:
      'Directory of the embedded PGlite database (used when neither `EDGE_FUNCTION_URL` nor `DATABASE_URL` is set). `memory://` keeps it in memory only. One process per directory.',
  },
  databasePoolSize: {
    env: 'DATABASE_POOL_SIZE',
    schema: positiveInt(500),
    default: '10',
    description: 'Most connections the pool opens to the `DATABASE_URL` server (per replica).',
  },
  databaseStatementTimeoutMs: {
    env: 'DATABASE_STATEMENT_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 100, maximum: 600_000 }),
    default: '10000',
    description: 'Longest a database statement may run (`statement_timeout`); a slower one fails with 504 UPSTREAM_TIMEOUT.',
  },
  databaseConnectTimeoutMs: {
    env: 'DATABASE_CONNECT_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 100, maximum: 120_000 }),
    default: '5000',
    description: 'How long a request waits for a database connection (a new one, or a free one of a busy pool) before 503.',
  },
} as const satisfies Record<string, SettingDefinition>;
