import { randomUUID } from 'node:crypto';
import { PostgresConversationIndex } from '../../../src/adapters/postgres/postgres-conversation-index';
import { PostgresConversationStore } from '../../../src/adapters/postgres/postgres-conversation-store';
import { PostgresImportLedger } from '../../../src/adapters/postgres/postgres-import-ledger';
import { PostgresShareStore } from '../../../src/adapters/postgres/postgres-share-store';
import { PostgresUserDirectory } from '../../../src/adapters/postgres/postgres-user-directory';
import type { SqlDatabase } from '../../../src/adapters/postgres/sql-database';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { describeConversationIndexContract } from '../../contracts/conversation-index.contract';
import { describeConversationStoreContract } from '../../contracts/conversation-store.contract';
import { describeImportLedgerContract } from '../../contracts/import-ledger.contract';
import { describeShareStoreContract } from '../../contracts/share-store.contract';
import { describeUserDirectoryContract, type ProfileSeed } from '../../contracts/user-directory.contract';
import { FakeClock } from '../../fakes/fake-clock';
import { SteppingClock, userContext } from '../../support/conversation-dataset';
import { truncateAll } from '../../support/test-postgres';

/** Writes a profile row as the back office would: the given values over the defaults. */
export async function seedProfile(db: SqlDatabase, userId: string, values: ProfileSeed = {}): Promise<void> {
  const now = new Date().toISOString();
  await db.query(
    `INSERT INTO user_profiles (id, email, display_name, default_model, locale, preferences, spend, max_budget, litellm_key, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $10)
     ON CONFLICT (id) DO UPDATE SET
       email = CASE WHEN $11 THEN EXCLUDED.email ELSE user_profiles.email END,
       display_name = CASE WHEN $12 THEN EXCLUDED.display_name ELSE user_profiles.display_name END,
       default_model = CASE WHEN $13 THEN EXCLUDED.default_model ELSE user_profiles.default_model END,
       locale = CASE WHEN $14 THEN EXCLUDED.locale ELSE user_profiles.locale END,
       preferences = CASE WHEN $15 THEN EXCLUDED.preferences ELSE user_profiles.preferences END,
       spend = CASE WHEN $16 THEN EXCLUDED.spend ELSE user_profiles.spend END,
       max_budget = CASE WHEN $17 THEN EXCLUDED.max_budget ELSE user_profiles.max_budget END,
       litellm_key = CASE WHEN $18 THEN EXCLUDED.litellm_key ELSE user_profiles.litellm_key END,
       closed_at = NULL`,
    [
      userId,
      values.email ?? null,
      values.display_name ?? null,
      values.default_model ?? null,
      values.locale ?? null,
      JSON.stringify(values.preferences ?? {}),
      values.spend ?? 0,
      values.max_budget ?? 100,
      values.litellm_key === undefined ? `sk-local-${randomUUID()}` : values.litellm_key,
      now,
      'email' in values,
      'display_name' in values,
      'default_model' in values,
      'locale' in values,
      'preferences' in values,
      'spend' in values,
      'max_budget' in values,
      'litellm_key' in values,
    ],
  );
}

/** A bare conversation of `userId` (no branch, no message): what a share or a ledger entry must point at. */
export async function seedConversation(db: SqlDatabase, userId: string, conversationId: string): Promise<void> {
  await db.query(
    'INSERT INTO conversations (id, user_id, created_at, updated_at) VALUES ($1, $2, now(), now()) ON CONFLICT (id) DO NOTHING',
    [conversationId, userId],
  );
}

/**
 * The contract suites on one database (PGlite or a server): `database()` gives it once per
 * file, each test starts from empty tables (or fresh users), so the suites stay fast.
 */
export function describePostgresContracts(label: string, database: () => SqlDatabase): void {
  const ids = new CryptoIdGenerator();

  // Fresh users per test: no truncation needed, and the suite also proves users never see each other's rows.
  describeConversationStoreContract(
    label,
    async () => ({
      store: new PostgresConversationStore(database(), new SystemClock(), ids, 'local/echo'),
      alice: userContext(randomUUID()),
      bob: userContext(randomUUID()),
      close: async () => undefined,
    }),
    { keepsInterruptedFlag: true },
  );

  // The data set has fixed users: the tables are emptied after each test.
  describeConversationIndexContract(label, async () => {
    const clock = new SteppingClock();
    return {
      index: new PostgresConversationIndex(database()),
      store: new PostgresConversationStore(database(), clock, ids, 'local/echo'),
      clock,
      close: () => truncateAll(database()),
    };
  });

  describeUserDirectoryContract(label, async () => ({
    directory: new PostgresUserDirectory(database(), new FakeClock()),
    seed: (userId, values) => seedProfile(database(), userId, values),
    removeProfile: async (userId) => {
      // Closed, not deleted: a row that is missing would be provisioned again on sight.
      await database().query(
        `INSERT INTO user_profiles (id, created_at, updated_at, closed_at) VALUES ($1, now(), now(), now())
         ON CONFLICT (id) DO UPDATE SET closed_at = now()`,
        [userId],
      );
    },
    user: (userId) => ({ userId, token: 'unused-by-the-database' }),
    close: () => truncateAll(database()),
  }));

  // Shares and ledger entries point at conversations of their owner (foreign keys): the suites
  // say which conversations they use, and the tables are emptied after each test.
  const owned = {
    user: (userId: string) => ({ userId, token: 'unused-by-the-database' }),
    ownConversation: (userId: string, conversationId: string) => seedConversation(database(), userId, conversationId),
    close: () => truncateAll(database()),
  };
  describeShareStoreContract(label, async () => ({ store: new PostgresShareStore(database()), ...owned }));
  describeImportLedgerContract(label, async () => ({ ledger: new PostgresImportLedger(database()), ...owned }));
}
