import { Pool, type PoolClient } from 'pg';
import type { Logger } from '../../ports/logger.port';
import type { DatabaseInfo, SqlDatabase, SqlExecutor, SqlResult } from './sql-database';

export interface PgPoolOptions {
  connectionString: string;
  /** Most connections the pool opens (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Server-side `statement_timeout` of every connection, in ms (DATABASE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
  /** How long a caller waits for a free connection or a new one, in ms. */
  connectTimeoutMs: number;
  /** Application name the server shows in pg_stat_activity. */
  applicationName?: string;
}

/** `host:port/database` of a connection string: what the banner and /health may show (never the password). */
export function describeServer(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || '5432'}${url.pathname || '/'}`;
  } catch {
    return 'server';
  }
}

function executor(client: PoolClient): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<SqlResult<Row>> {
      const res = await client.query(text, params as unknown[]);
      return { rows: res.rows as Row[], rowCount: res.rowCount ?? 0 };
    },
    async exec(script: string): Promise<void> {
      // Without parameters, pg sends the simple query protocol, which runs several statements.
      await client.query(script);
    },
  };
}

/** A PostgreSQL server through a `pg` pool (DATABASE_URL). */
export class PgPoolDatabase implements SqlDatabase {
  readonly info: DatabaseInfo;
  private readonly pool: Pool;
  private closing: Promise<void> | undefined;

  constructor(options: PgPoolOptions, logger: Logger) {
    this.info = { driver: 'postgres', location: describeServer(options.connectionString) };
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      statement_timeout: options.statementTimeoutMs,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName ?? 'ai-chat-gateway',
    });
    // An idle connection the server drops (restart, failover) emits here; unhandled it would end the process.
    this.pool.on('error', (err) => logger.warn({ err: { message: err.message } }, 'idle database connection lost'));
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<SqlResult<Row>> {
    const res = await this.pool.query(text, params as unknown[]);
    return { rows: res.rows as Row[], rowCount: res.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let unusable: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(executor(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // A connection that cannot even roll back is dropped, never handed to the next caller.
      await client.query('ROLLBACK').catch((rollbackErr: Error) => (unusable = rollbackErr));
      throw err;
    } finally {
      client.release(unusable);
    }
  }

  async session<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(executor(client));
    } finally {
      client.release();
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}
