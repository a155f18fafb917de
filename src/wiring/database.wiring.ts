import { MigratedDatabase } from '../adapters/postgres/migrated-database';
import { loadMigrations } from '../adapters/postgres/migrator';
import { PgPoolDatabase } from '../adapters/postgres/pg-pool-database';
import { PgliteDatabase } from '../adapters/postgres/pglite-database';
import type { Config } from '../config/config';
import type { Logger } from '../ports/logger.port';
import { token } from '../ports/token';

/** The gateway's own database, when STORAGE resolves to `postgres` or `pglite`. */
export const DATABASE = token<MigratedDatabase>('Database');

/**
 * Opens the database STORAGE picked (a `pg` pool on DATABASE_URL, or PGlite in DATA_DIR) and starts
 * its migrations; undefined when conversations live elsewhere (the Edge Function, the memory twins).
 * One SQL for both drivers: the adapters never know which one they run on. Closed on shutdown
 * through `onClose`.
 */
export function openDatabase(config: Config, logger: Logger, onClose: (close: () => Promise<void>) => void): MigratedDatabase | undefined {
  let inner;
  if (config.storageKind === 'postgres') {
    inner = new PgPoolDatabase(
      {
        connectionString: config.databaseUrl!,
        poolSize: config.databasePoolSize,
        statementTimeoutMs: config.databaseStatementTimeoutMs,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
      },
      logger,
    );
  } else if (config.storageKind === 'pglite') {
    inner = new PgliteDatabase({ dataDir: config.dataDir, statementTimeoutMs: config.databaseStatementTimeoutMs });
  } else return undefined;
  const db = new MigratedDatabase(inner, loadMigrations(), logger);
  onClose(() => db.close());
  return db;
}
