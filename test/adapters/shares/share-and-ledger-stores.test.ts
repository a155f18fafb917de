import { MemoryImportLedger } from '../../../src/adapters/memory/memory-import-ledger';
import { MemoryShareStore } from '../../../src/adapters/memory/memory-share-store';
import { PostgrestClient } from '../../../src/adapters/supabase/postgrest-client';
import { SupabaseImportLedger } from '../../../src/adapters/supabase/supabase-import-ledger';
import { SupabaseShareStore } from '../../../src/adapters/supabase/supabase-share-store';
import { describeImportLedgerContract } from '../../contracts/import-ledger.contract';
import { describeShareStoreContract } from '../../contracts/share-store.contract';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeSupabaseRest, type Row } from '../../fakes/fake-supabase-rest';
import { RecordingLogger } from '../../support/recording-logger';
import { devToken } from '../../support/tokens';

const asUser = (userId: string) => ({ userId, token: devToken(userId) });

/** Supabase REST with the two tables of docs/supabase-shares.sql and its `get_share` function. */
async function fakeSupabase(): Promise<{ fake: FakeSupabaseRest; client: PostgrestClient }> {
  const fake = await FakeSupabaseRest.start();
  fake.defineTable('conversation_shares', {
    ownerColumn: 'owner_id',
    columns: ['share_id', 'owner_id', 'conversation_id', 'branch_id', 'snapshot', 'created_at'],
    uuidColumns: ['owner_id', 'conversation_id', 'branch_id'],
    key: ['share_id'],
    generated: {},
    numeric: [],
    rows: [],
  });
  fake.defineTable('import_ledger', {
    ownerColumn: 'owner_id',
    columns: ['owner_id', 'fingerprint', 'conversation_id', 'imported_at'],
    key: ['owner_id', 'fingerprint'],
    generated: {},
    numeric: [],
    rows: [],
  });
  // As the SQL's security definer function: one exact id, no owner, whoever calls.
  fake.rpcs.set('get_share', (body) => ({
    status: 200,
    body: fake
      .table('conversation_shares')
      .rows.filter((r: Row) => r.share_id === body.p_share_id)
      .map((r: Row) => ({ share_id: r.share_id, shared_at: String(r.created_at).replace('Z', '+00:00'), snapshot: r.snapshot })),
  }));
  const client = new PostgrestClient(
    { supabaseUrl: fake.url, anonKey: fake.anonKey, poolSize: 4, timeoutMs: 5000, retries: 0 },
    new FakeClock(),
    new RecordingLogger(),
  );
  return { fake, client };
}

describeShareStoreContract('memory', async () => ({ store: new MemoryShareStore(), user: asUser, close: async () => {} }));

describeShareStoreContract('Supabase REST adapter over HTTP', async () => {
  const { fake, client } = await fakeSupabase();
  return { store: new SupabaseShareStore(client), user: asUser, close: () => fake.close() };
});

describeImportLedgerContract('memory', async () => ({ ledger: new MemoryImportLedger(), user: asUser, close: async () => {} }));

describeImportLedgerContract('Supabase REST adapter over HTTP', async () => {
  const { fake, client } = await fakeSupabase();
  return { ledger: new SupabaseImportLedger(client), user: asUser, close: () => fake.close() };
});
