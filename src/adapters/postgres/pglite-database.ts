import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { DatabaseInfo, SqlDatabase, SqlExecutor, SqlResult } from './sql-database';

/** DATA_DIR value for a PGlite that keeps nothing on disk (tests, demos). */
export const IN_MEMORY_DATA_DIR = 'memory://';

export interface PgliteOptions {
  /** A directory (created when missing), or `memory://`. */
  dataDir: string;
  /** `statement_timeout` in ms. */
  statementTimeoutMs: number;
}

/**
 * PostgreSQL compiled to WebAssembly, in process: the embedded default, with its files in
 * DATA_DIR. One connection by design (PGlite runs one backend), so statements queue in order;
 * `session` adds a mutex so a migration run holds the database for itself.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly info: DatabaseInfo;
  private readonly db: PGlite;
  private readonly ready: Promise<void>;
  private sessionQueue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(options: PgliteOptions) {
    const inMemory = options.dataDir === IN_MEMORY_DATA_DIR;
    const dataDir = inMemory ? undefined : path.resolve(options.dataDir);
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    this.info = { driver: 'pglite', location: dataDir ?? 'memory' };
    this.db = new PGlite(dataDir, { extensions: { pg_trgm } });
    this.ready = this.db.waitReady.then(async () => {
      await this.db.exec(`SET statement_timeout = ${Math.trunc(options.statementTimeoutMs)}`);
    });
    // Failures surface on the first statement (start-up runs the migrations first); never unhandled.
    this.ready.catch(() => undefined);
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<SqlResult<Row>> {
    await this.ready;
    const res = await this.db.query<Row>(text, params as unknown[]);
    return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await this.ready;
    return this.db.transaction((tx) =>
      fn({
        async query<Row>(text: string, params: readonly unknown[] = []): Promise<SqlResult<Row>> {
          const res = await tx.query<Row>(text, params as unknown[]);
          return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
        },
        async exec(script: string): Promise<void> {
          await tx.exec(script);
        },
      }),
    );
  }

  async session<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> {
    await this.ready;
    const run = this.sessionQueue.then(() => fn(this));
    this.sessionQueue = run.catch(() => undefined);
    return run;
  }

  async exec(script: string): Promise<void> {
    await this.ready;
    await this.db.exec(script);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  close(): Promise<void> {
    this.closing ??= this.ready.then(
      () => this.db.close(),
      () => undefined,
    );
    return this.closing;
  }
}
