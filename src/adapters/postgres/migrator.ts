import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../ports/logger.port';
import type { SqlDatabase, SqlExecutor } from './sql-database';

/** One versioned schema change: `NNNN-name.ts` in ./migrations exporting `sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** sha256 of `sql`: an applied migration edited afterwards stops start-up instead of drifting. */
  checksum: string;
}

/** The key of the session-level advisory lock every replica takes before looking at migrations. */
export const MIGRATION_LOCK_KEY = 7_402_155_001;

const FILE = /^(\d{4})-([a-z0-9-]+)\.js$/;

/** A migration could not be applied, or the database does not match this code: start-up stops with this message. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/**
 * The migrations of `dir` (default: ./migrations next to this file), in version order. Adding a
 * file is all it takes to add one; versions must be unique.
 */
export function loadMigrations(dir: string = path.join(__dirname, 'migrations')): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const match = FILE.exec(file);
    if (!match) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the folder is the registry: files are found, not listed.
    const mod = require(path.join(dir, file)) as { sql?: unknown };
    if (typeof mod.sql !== 'string') throw new MigrationError(`migration ${file} exports no sql string`);
    const version = Number(match[1]);
    if (out.some((m) => m.version === version)) throw new MigrationError(`two migrations have version ${match[1]}`);
    out.push({ version, name: match[2]!, sql: mod.sql, checksum: createHash('sha256').update(mod.sql).digest('hex') });
  }
  return out;
}

function label(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(4, '0')}-${m.name}`;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

async function pending(conn: SqlExecutor, migrations: readonly Migration[]): Promise<Migration[]> {
  await conn.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const { rows } = await conn.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of rows) {
    const mine = known.get(row.version);
    if (!mine) {
      throw new MigrationError(
        `the database has migration ${label(row)}, which this version of the gateway does not know: it was migrated by a newer release. Run that release, or restore a backup taken before it.`,
      );
    }
    if (mine.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${label(mine)} was changed after it was applied; add a new migration instead of editing an applied one.`,
      );
    }
  }
  const done = new Set(rows.map((r) => r.version));
  return migrations.filter((m) => !done.has(m.version));
}

/**
 * Applies the migrations the database lacks, each in its own transaction, under a session-level
 * advisory lock: replicas starting together wait for each other, and the second finds nothing left
 * to do. Answers the labels of the migrations this call applied. A failure rolls its migration back
 * and throws a MigrationError that names it.
 */
export async function migrate(db: SqlDatabase, migrations: readonly Migration[], logger: Logger): Promise<string[]> {
  return db.session(async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied: string[] = [];
      for (const m of await pending(conn, migrations)) {
        await conn.exec('BEGIN');
        try {
          await conn.exec(m.sql);
          await conn.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
          await conn.exec('COMMIT');
        } catch (err) {
          await conn.exec('ROLLBACK').catch(() => undefined);
          throw new MigrationError(`migration ${label(m)} failed and was rolled back: ${(err as Error).message}`);
        }
        logger.info({ migration: label(m) }, 'migration applied');
        applied.push(label(m));
      }
      return applied;
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  });
}
