import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgliteDatabase, IN_MEMORY_DATA_DIR } from '../../src/adapters/postgres/pglite-database';
import { PgPoolDatabase } from '../../src/adapters/postgres/pg-pool-database';
import { loadMigrations, migrate } from '../../src/adapters/postgres/migrator';
import type { SqlDatabase } from '../../src/adapters/postgres/sql-database';
import { RecordingLogger } from './recording-logger';
import { requireServer, TEST_DATABASE_URL } from './require-server';

export { TEST_DATABASE_URL };

/**
 * Call first thing inside a `describe` that needs the PostgreSQL server: it runs when the server
 * answers; otherwise it FAILS when REQUIRE_POSTGRES is set (CI), and is reported NOT RUN at the end
 * of the run when it is not (`npm test` on a machine with only Node).
 */
export function requirePostgres(): void {
  requireServer('postgres');
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  /** Connection string of a database of its own, made for this run. */
  url: string;
  /** Drops the database (closing whatever is still connected). */
  drop(): Promise<void>;
}

/** A fresh, empty database on the test server, named uniquely so parallel runs never meet. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `acg_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A pool on `url` with the test settings. */
export function poolDatabase(url: string, poolSize = 4): PgPoolDatabase {
  return new PgPoolDatabase(
    { connectionString: url, poolSize, statementTimeoutMs: 10_000, connectTimeoutMs: 5_000 },
    new RecordingLogger(),
  );
}

/** An in-memory PGlite with every migration applied. */
export async function migratedPglite(): Promise<PgliteDatabase> {
  const db = new PgliteDatabase({ dataDir: IN_MEMORY_DATA_DIR, statementTimeoutMs: 10_000 });
  await migrate(db, loadMigrations(), new RecordingLogger());
  return db;
}

/** Empties every table of the gateway between tests that share one database. */
export async function truncateAll(db: SqlDatabase): Promise<void> {
  await db.query('TRUNCATE conversation_shares, import_ledger, messages, branches, conversations, user_profiles');
}
