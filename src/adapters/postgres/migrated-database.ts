import type { Logger } from '../../ports/logger.port';
import { migrate, type Migration } from './migrator';
import type { DatabaseInfo, SqlDatabase, SqlExecutor, SqlResult } from './sql-database';

/**
 * A database whose schema is brought up to date before its first statement: the migrations start
 * at once, every statement waits for them, and `whenReady` lets start-up wait for them too (and
 * stop with their error). The adapters only ever see a migrated database.
 */
export class MigratedDatabase implements SqlDatabase {
  private readonly migrated: Promise<string[]>;

  constructor(
    private readonly inner: SqlDatabase,
    migrations: readonly Migration[],
    logger: Logger,
  ) {
    this.migrated = migrate(inner, migrations, logger);
    // Surfaced by whenReady and by every statement; never an unhandled rejection.
    this.migrated.catch(() => undefined);
  }

  get info(): DatabaseInfo {
    return this.inner.info;
  }

  /** Resolves with the migrations this process applied, or rejects with why they could not be. */
  whenReady(): Promise<string[]> {
    return this.migrated;
  }

  async query<Row>(text: string, params?: readonly unknown[]): Promise<SqlResult<Row>> {
    await this.migrated;
    return this.inner.query<Row>(text, params);
  }

  async exec(script: string): Promise<void> {
    await this.migrated;
    return this.inner.exec(script);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await this.migrated;
    return this.inner.transaction(fn);
  }

  async session<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> {
    await this.migrated;
    return this.inner.session(fn);
  }

  async ping(): Promise<void> {
    await this.migrated;
    return this.inner.ping();
  }

  async close(): Promise<void> {
    // Closing while migrations run would cut them: let them finish (or fail) first.
    await this.migrated.catch(() => undefined);
    return this.inner.close();
  }
}
