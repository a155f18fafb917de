import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgliteDatabase, IN_MEMORY_DATA_DIR } from '../../src/adapters/postgres/pglite-database';
import { PgPoolDatabase } from '../../src/adapters/postgres/pg-pool-database';
import { loadMigrations, migrate } from '../../src/adapters/postgres/migrator';
import type { SqlDatabase } from '../../src/adapters/postgres/sql-database';
import { RecordingLogger } from './recording-logger';

/** The PostgreSQL server of the tests (a maintenance database on it): TEST_DATABASE_URL or the local default. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function required(): boolean {
  const value = process.env.REQUIRE_POSTGRES;
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

let probe: Promise<string | undefined> | undefined;

/** Resolves to undefined when the server answers a query, else to why not. */
function postgresAnswers(): Promise<string | undefined> {
  probe ??= (async () => {
    const client = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (err) {
      return (err as Error).message || String(err);
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return probe;
}

/**
 * Call first thing inside a `describe` that needs the PostgreSQL server: it runs when the server
 * answers; otherwise it FAILS when REQUIRE_POSTGRES is set (CI), and is skipped with a loud line
 * naming it when it is not (`npm test` on a machine with only Node).
 */
export function requirePostgres(): void {
  before(async function requirePostgresHook(this: Mocha.Context) {
    const reason = await postgresAnswers();
    if (reason === undefined) return;
    const suite = this.test?.parent?.fullTitle() ?? 'a suite';
    if (required())
      throw new Error(`REQUIRE_POSTGRES is set and "${suite}" needs PostgreSQL at ${new URL(TEST_DATABASE_URL).host}: ${reason}`);
    console.warn(
      `\n!!! NOT RUN: "${suite}" needs PostgreSQL at ${new URL(TEST_DATABASE_URL).host} (TEST_DATABASE_URL), which did not answer (${reason}). Run it with: REQUIRE_POSTGRES=1 npm test\n`,
    );
    this.skip();
  });
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

/** Empties the conversation and profile tables between tests that share one database. */
export async function truncateAll(db: SqlDatabase): Promise<void> {
  await db.query('TRUNCATE messages, branches, conversations, user_profiles');
}
