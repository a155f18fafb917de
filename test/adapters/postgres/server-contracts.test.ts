import type { PgPoolDatabase } from '../../../src/adapters/postgres/pg-pool-database';
import { loadMigrations, migrate } from '../../../src/adapters/postgres/migrator';
import { RecordingLogger } from '../../support/recording-logger';
import { createTestDatabase, poolDatabase, requirePostgres, type TestDatabase } from '../../support/test-postgres';
import { describeIsolation } from './isolation';
import { describeSharesFollowConversations } from './shares-follow-conversations';
import { describeWordSearch } from './word-search';
import { describePostgresContracts } from './postgres-contracts';

describe('PostgreSQL adapters on the PostgreSQL server (TEST_DATABASE_URL)', function () {
  requirePostgres();
  let testDb: TestDatabase;
  let db: PgPoolDatabase;
  before(async () => {
    testDb = await createTestDatabase();
    db = poolDatabase(testDb.url);
    await migrate(db, loadMigrations(), new RecordingLogger());
  });
  after(async () => {
    await db?.close();
    await testDb?.drop();
  });

  describePostgresContracts('PostgreSQL server', () => db);
  describeIsolation('PostgreSQL server', () => db);
  describeSharesFollowConversations('PostgreSQL server', () => db);
  describeWordSearch('PostgreSQL server', () => db);
});
