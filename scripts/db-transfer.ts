/**
 * Moves the gateway's own database between stores, e.g. from embedded PGlite to a PostgreSQL server:
 *   npm run db:export -- conversations.ndjson   (from the store the settings pick: DATA_DIR or DATABASE_URL)
 *   DATABASE_URL=postgres://... npm run db:import -- conversations.ndjson   (into an empty, migrated database)
 * Stop the gateway first when the source is PGlite (one process per data directory).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { exportRows, importRows } from '../src/adapters/postgres/database-transfer';
import { MigratedDatabase } from '../src/adapters/postgres/migrated-database';
import { loadMigrations } from '../src/adapters/postgres/migrator';
import { PgPoolDatabase } from '../src/adapters/postgres/pg-pool-database';
import { PgliteDatabase } from '../src/adapters/postgres/pglite-database';
import type { SqlDatabase } from '../src/adapters/postgres/sql-database';
import { loadConfig } from '../src/config/load-config';
import type { Logger } from '../src/ports/logger.port';

const say = (fields: object, msg?: string): void => void process.stderr.write(`${msg ?? ''} ${JSON.stringify(fields)}\n`);
const logger = { trace() {}, debug() {}, info: say, warn: say, error: say, child: () => logger } as unknown as Logger;

function open(): SqlDatabase {
  const config = loadConfig();
  if (config.storageKind === 'postgres') {
    const inner = new PgPoolDatabase(
      {
        connectionString: config.databaseUrl!,
        poolSize: 2,
        statementTimeoutMs: 600_000,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
      },
      logger,
    );
    return new MigratedDatabase(inner, loadMigrations(), logger);
  }
  if (config.storageKind === 'pglite') {
    return new MigratedDatabase(new PgliteDatabase({ dataDir: config.dataDir, statementTimeoutMs: 600_000 }), loadMigrations(), logger);
  }
  throw new Error(
    `STORAGE resolves to ${config.storageKind}: db:export and db:import work on the gateway's own database (DATABASE_URL or DATA_DIR)`,
  );
}

async function main(): Promise<void> {
  const [command, file] = process.argv.slice(2);
  if ((command !== 'export' && command !== 'import') || !file) throw new Error('usage: db-transfer export|import <file.ndjson>');
  const db = open();
  try {
    process.stderr.write(`${command} ${command === 'export' ? 'from' : 'into'} ${db.info.driver} at ${db.info.location}\n`);
    if (command === 'export') {
      const out = createWriteStream(file, { flags: 'wx' });
      let n = 0;
      for await (const line of exportRows(db, new Date())) {
        if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
        n += 1;
      }
      out.end();
      await once(out, 'finish');
      process.stderr.write(`wrote ${n - 1} rows to ${file}\n`);
    } else {
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      const parsed = (async function* () {
        for await (const text of lines) if (text.trim() !== '') yield JSON.parse(text) as unknown;
      })();
      process.stderr.write(`imported ${JSON.stringify(await importRows(db, parsed))}\n`);
    }
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`db-transfer failed: ${(err as Error).message}\n`);
  process.exit(1);
});
