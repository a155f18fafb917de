import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { exportRows, importRows } from '../../../src/adapters/postgres/database-transfer';
import type { PgliteDatabase } from '../../../src/adapters/postgres/pglite-database';
import { PostgresConversationIndex } from '../../../src/adapters/postgres/postgres-conversation-index';
import { PostgresConversationStore } from '../../../src/adapters/postgres/postgres-conversation-store';
import { PostgresImportLedger } from '../../../src/adapters/postgres/postgres-import-ledger';
import { PostgresShareStore } from '../../../src/adapters/postgres/postgres-share-store';
import { PostgresUserDirectory } from '../../../src/adapters/postgres/postgres-user-directory';
import type { SqlDatabase } from '../../../src/adapters/postgres/sql-database';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { ShareLinks } from '../../../src/application/shares/share-links';
import { rejectionOf } from '../../support/async';
import { userContext } from '../../support/conversation-dataset';
import { migratedPglite } from '../../support/test-postgres';

async function* parsedLines(db: SqlDatabase): AsyncGenerator<unknown> {
  // Through JSON text, as the file carries them.
  for await (const line of exportRows(db, new Date())) yield JSON.parse(JSON.stringify(line)) as unknown;
}

describe('db:export / db:import (moving the embedded database to another)', function () {
  this.timeout(120_000);
  let source: PgliteDatabase;
  let target: PgliteDatabase;
  before(async () => {
    [source, target] = await Promise.all([migratedPglite(), migratedPglite()]);
  });
  after(async () => {
    await source?.close();
    await target?.close();
  });

  it('carries conversations, branches, messages, flags, profiles, shares and the import ledger over exactly, and the target keeps working', async () => {
    const ids = new CryptoIdGenerator();
    const store = new PostgresConversationStore(source, new SystemClock(), ids, 'local/echo');
    const alice = userContext(randomUUID());
    await new PostgresUserDirectory(source, new SystemClock()).updateProfile(alice, { display_name: 'Alice', preferences: { a: [1] } });
    const q = await store.addUserMessage(alice, { content: 'Where is the Narikala fortress?', model: 'm' });
    const a = await store.saveAssistantMessage(alice, {
      conversation_id: q.conversation_id,
      branch_id: q.branch_id,
      parent_id: q.message_id,
      content: 'In Tbilisi, on a hill',
      model: 'm',
      tokens_count: 5,
      interrupted: true,
    });
    await store.regenerateFork(alice, a.message_id, { branch_name: 'retry' });
    await store.updateConversation(alice, q.conversation_id, { settings: { temperature: 0.2 } });
    const share = await new ShareLinks(store, new PostgresShareStore(source), new SystemClock()).create(alice, q.conversation_id);
    const entry = { fingerprint: 'c'.repeat(64), conversation_id: q.conversation_id, imported_at: '2026-01-15T09:30:00.000Z' };
    await new PostgresImportLedger(source).record(alice, entry);

    const counts = await importRows(target, parsedLines(source));
    expect(counts).to.deep.equal({
      user_profiles: 1,
      conversations: 1,
      branches: 2,
      messages: 2,
      conversation_shares: 1,
      import_ledger: 1,
    });

    const moved = new PostgresConversationStore(target, new SystemClock(), ids, 'local/echo');
    expect(await moved.getConversationFull(alice, q.conversation_id)).to.deep.equal(
      await store.getConversationFull(alice, q.conversation_id),
    );
    const profile = await new PostgresUserDirectory(target, new SystemClock()).getProfile(alice);
    expect(profile).to.deep.equal(await new PostgresUserDirectory(source, new SystemClock()).getProfile(alice));
    // The target's own vectors and sequences work: search finds the text, new rows come after the old ones.
    expect((await new PostgresConversationIndex(target).findMessages(alice, 'narikala', 10)).items).to.have.length(1);
    const next = await moved.addUserMessage(alice, { conversation_id: q.conversation_id, content: 'and then?' });
    expect(
      (await moved.buildContext(alice, { conversation_id: q.conversation_id, max_messages: 10 })).messages.map((m) => m.content),
    ).to.deep.equal(['Where is the Narikala fortress?', 'In Tbilisi, on a hill', 'and then?']);
    expect(next.parent_id).to.equal(a.message_id);
    expect(await new PostgresShareStore(target).read(share.share_id)).to.deep.equal(
      await new PostgresShareStore(source).read(share.share_id),
    );
    expect(await new PostgresShareStore(target).listForConversation(alice, q.conversation_id)).to.deep.equal([share]);
    expect(await new PostgresImportLedger(target).find(alice, [entry.fingerprint])).to.deep.equal([entry]);

    expect(((await rejectionOf(importRows(target, parsedLines(source)))) as Error).message).to.contain('import into an empty one');
  });

  it('reads every row of tables larger than a page exactly once (number keys compared as numbers, text keys as bytes)', async () => {
    const [big, copy] = await Promise.all([migratedPglite(), migratedPglite()]);
    try {
      const alice = userContext(randomUUID());
      const q = await new PostgresConversationStore(big, new SystemClock(), new CryptoIdGenerator(), 'local/echo').addUserMessage(alice, {
        content: 'first',
        model: 'm',
      });
      const owner = [q.conversation_id, q.branch_id, alice.userId];
      // Past 1000 rows: `seq` read as text would put 1000 before 999 and lose or repeat rows.
      await big.query(
        `INSERT INTO messages (id, conversation_id, branch_id, user_id, role, content, created_at)
         SELECT gen_random_uuid(), $1, $2, $3, 'user', 'message ' || g, now() FROM generate_series(1, 1200) g`,
        owner,
      );
      await big.query(
        `INSERT INTO conversation_shares (share_id, user_id, conversation_id, branch_id, snapshot, created_at)
         SELECT CASE WHEN g % 2 = 0 THEN 'S' ELSE 's' END || lpad(g::text, 31, '0'), $3, $1, $2, '{"title":null,"model":null,"messages":[]}', now()
           FROM generate_series(1, 700) g`,
        owner,
      );
      await big.query(
        `INSERT INTO import_ledger (user_id, fingerprint, conversation_id, imported_at)
         SELECT $2, lpad(to_hex(g), 64, '0'), $1, now() FROM generate_series(1, 700) g`,
        [q.conversation_id, alice.userId],
      );
      const counts = await importRows(copy, parsedLines(big));
      expect(counts).to.include({ messages: 1201, conversation_shares: 700, import_ledger: 700 });
      for (const table of ['messages', 'conversation_shares', 'import_ledger']) {
        const { rows } = await copy.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        expect(rows[0]!.n, table).to.equal(counts[table]);
      }
    } finally {
      await Promise.all([big.close(), copy.close()]);
    }
  });
});
