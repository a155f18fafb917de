import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IN_MEMORY_DATA_DIR, PgliteDatabase } from '../../../src/adapters/postgres/pglite-database';
import { loadMigrations, migrate, MigrationError, type Migration } from '../../../src/adapters/postgres/migrator';
import type { SqlDatabase } from '../../../src/adapters/postgres/sql-database';
import { rejectionOf } from '../../support/async';
import { RecordingLogger } from '../../support/recording-logger';
import { createTestDatabase, poolDatabase, requirePostgres, type TestDatabase } from '../../support/test-postgres';

/** A migrations folder of `files` (name -> SQL), as compiled modules. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'acg-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), `exports.sql = ${JSON.stringify(sql)};\n`);
  return dir;
}

async function versions(db: SqlDatabase): Promise<number[]> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  return rows.map((r) => r.version);
}

async function tableExists(db: SqlDatabase, name: string): Promise<boolean> {
  const { rows } = await db.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]);
  return rows[0]!.t !== null;
}

describe('migrations', function () {
  this.timeout(60_000);
  const logger = new RecordingLogger();
  const dirs: string[] = [];
  const dir = (files: Record<string, string>): string => {
    const d = folder(files);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('finds the files of the folder in version order, with a checksum of their SQL', () => {
    const found = loadMigrations(dir({ '0002-two.js': 'SELECT 2', '0001-one.js': 'SELECT 1', 'notes.txt': 'x', '0003-three.js.map': '' }));
    expect(found.map((m) => [m.version, m.name])).to.deep.equal([
      [1, 'one'],
      [2, 'two'],
    ]);
    expect(found[0]!.checksum).to.match(/^[0-9a-f]{64}$/);
    expect(loadMigrations().map((m) => m.name)).to.include.members(['conversations', 'search', 'shares-and-import-ledger']);
  });

  describe('on PGlite', () => {
    let db: PgliteDatabase;
    beforeEach(() => {
      db = new PgliteDatabase({ dataDir: IN_MEMORY_DATA_DIR, statementTimeoutMs: 10_000 });
    });
    afterEach(async () => db.close());

    it('applies each migration once, also when two runs start together', async () => {
      const migrations = loadMigrations();
      const [first, second] = await Promise.all([migrate(db, migrations, logger), migrate(db, migrations, logger)]);
      expect([...first, ...second]).to.deep.equal(['0001-conversations', '0002-search', '0003-shares-and-import-ledger']);
      expect(await versions(db)).to.deep.equal([1, 2, 3]);
      expect(await migrate(db, migrations, logger)).to.deep.equal([]);
    });

    it('rolls a failing migration back, names it, and keeps the ones before it', async () => {
      const migrations = loadMigrations(
        dir({ '0001-good.js': 'CREATE TABLE good (id int)', '0002-bad.js': 'CREATE TABLE half (id int); SELECT no_such_function()' }),
      );
      const err = await rejectionOf(migrate(db, migrations, logger));
      expect(err).to.be.instanceOf(MigrationError);
      expect((err as Error).message).to.match(/^migration 0002-bad failed and was rolled back: .*no_such_function/);
      expect(await versions(db)).to.deep.equal([1]);
      expect(await tableExists(db, 'good')).to.equal(true);
      expect(await tableExists(db, 'half')).to.equal(false);
    });

    it('refuses a database migrated by a newer release, or an applied migration that was edited', async () => {
      await migrate(db, loadMigrations(dir({ '0001-a.js': 'SELECT 1', '0002-b.js': 'SELECT 2' })), logger);
      const older = loadMigrations(dir({ '0001-a.js': 'SELECT 1' }));
      expect(((await rejectionOf(migrate(db, older, logger))) as Error).message).to.contain(
        '0002-b, which this version of the gateway does not know',
      );
      const edited: Migration[] = loadMigrations(dir({ '0001-a.js': 'SELECT 1 + 0', '0002-b.js': 'SELECT 2' }));
      expect(((await rejectionOf(migrate(db, edited, logger))) as Error).message).to.contain('0001-a was changed after it was applied');
    });
  });

  describe('on the PostgreSQL server (TEST_DATABASE_URL)', () => {
    requirePostgres();
    let testDb: TestDatabase;
    beforeEach(async () => {
      testDb = await createTestDatabase();
    });
    afterEach(async () => testDb?.drop());

    it('applies each migration once when two replicas start together (advisory lock)', async () => {
      const a = poolDatabase(testDb.url);
      const b = poolDatabase(testDb.url);
      try {
        const migrations = loadMigrations();
        const [first, second] = await Promise.all([migrate(a, migrations, logger), migrate(b, migrations, logger)]);
        // One replica applied everything; the other waited on the lock and found nothing left.
        expect([first.length, second.length].sort()).to.deep.equal([0, 3]);
        expect(await versions(a)).to.deep.equal([1, 2, 3]);
        const { rows } = await a.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'messages_search'");
        expect(rows[0]!.n).to.equal(1);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  it('stops start-up with a clear message when the database cannot be migrated', async () => {
    const child = spawn(process.execPath, [path.resolve(__dirname, '../../../src/main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'fatal',
        PORT: '0',
        STORAGE: 'postgres',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).to.equal(1);
    expect(stderr).to.match(/^start-up failed: .*ECONNREFUSED/m);
  });
});
