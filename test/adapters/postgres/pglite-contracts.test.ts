import type { PgliteDatabase } from '../../../src/adapters/postgres/pglite-database';
import { migratedPglite } from '../../support/test-postgres';
import { describeIsolation } from './isolation';
import { describeSharesFollowConversations } from './shares-follow-conversations';
import { describeWordSearch } from './word-search';
import { describePostgresContracts } from './postgres-contracts';

describe('PostgreSQL adapters on PGlite (in memory)', function () {
  // One PGlite for the whole file: starting one takes a second or more.
  this.timeout(60_000);
  let db: PgliteDatabase;
  before(async () => {
    db = await migratedPglite();
  });
  after(async () => db?.close());

  describePostgresContracts('PostgreSQL on PGlite', () => db);
  describeIsolation('PGlite', () => db);
  describeSharesFollowConversations('PGlite', () => db);
  describeWordSearch('PGlite', () => db);
});
