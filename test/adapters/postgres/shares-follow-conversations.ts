import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { MemoryShareStore } from '../../../src/adapters/memory/memory-share-store';
import { PostgresConversationIndex } from '../../../src/adapters/postgres/postgres-conversation-index';
import { PostgresConversationStore } from '../../../src/adapters/postgres/postgres-conversation-store';
import { PostgresImportLedger } from '../../../src/adapters/postgres/postgres-import-ledger';
import { PostgresShareStore } from '../../../src/adapters/postgres/postgres-share-store';
import type { SqlDatabase } from '../../../src/adapters/postgres/sql-database';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { ShareLinks } from '../../../src/application/shares/share-links';
import { userContext } from '../../support/conversation-dataset';
import { seedConversation } from './postgres-contracts';
import { appErrorOf } from '../../support/expect-rejection';

async function rowsOf(db: SqlDatabase, table: 'conversation_shares' | 'import_ledger', userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [userId]);
  return rows[0]!.n;
}

/**
 * Shares and import-ledger entries live and die with their conversation (foreign keys with ON
 * DELETE CASCADE): a share of a deleted conversation is unknown, an entry of a deleted import is
 * gone, and neither can ever name a conversation that is missing or someone else's.
 */
export function describeSharesFollowConversations(label: string, database: () => SqlDatabase): void {
  describe(`shares and import ledger follow their conversation (${label})`, () => {
    const setup = () => {
      const db = database();
      const store = new PostgresConversationStore(db, new SystemClock(), new CryptoIdGenerator(), 'local/echo');
      const shares = new PostgresShareStore(db);
      return {
        db,
        store,
        shares,
        index: new PostgresConversationIndex(db),
        ledger: new PostgresImportLedger(db),
        links: new ShareLinks(store, shares, new SystemClock()),
      };
    };

    it("makes the shares of a deleted conversation unknown (404) and keeps the other conversations' shares", async () => {
      const { db, store, shares, index, links } = setup();
      const alice = userContext(randomUUID());
      const doomed = await store.addUserMessage(alice, { content: 'to be deleted', model: 'm' });
      const kept = await store.addUserMessage(alice, { content: 'to be kept', model: 'm' });
      const gone = [await links.create(alice, doomed.conversation_id), await links.create(alice, doomed.conversation_id)];
      const stays = await links.create(alice, kept.conversation_id);

      expect(await index.deleteConversations(alice, [doomed.conversation_id])).to.deep.equal([doomed.conversation_id]);
      for (const share of gone) {
        await appErrorOf(links.read(share.share_id), 'NOT_FOUND');
        expect(await shares.revoke(alice, share.share_id)).to.equal(false);
      }
      expect(await shares.listForConversation(alice, doomed.conversation_id)).to.deep.equal([]);
      expect(await rowsOf(db, 'conversation_shares', alice.userId)).to.equal(1);
      expect((await links.read(stays.share_id)).snapshot.messages.map((m) => m.content)).to.deep.equal(['to be kept']);
    });

    it('drops the ledger entry of a deleted conversation, so the source is no longer seen as imported', async () => {
      const { db, store, index, ledger } = setup();
      const alice = userContext(randomUUID());
      const imported = await store.addUserMessage(alice, { content: 'imported', model: 'm' });
      const other = await store.addUserMessage(alice, { content: 'imported too', model: 'm' });
      const [f1, f2] = ['1'.repeat(64), '2'.repeat(64)];
      const at = '2026-01-15T09:30:00.000Z';
      await ledger.record(alice, { fingerprint: f1, conversation_id: imported.conversation_id, imported_at: at });
      await ledger.record(alice, { fingerprint: f2, conversation_id: other.conversation_id, imported_at: at });

      await index.deleteConversations(alice, [imported.conversation_id]);
      expect(await ledger.find(alice, [f1, f2])).to.deep.equal([
        { fingerprint: f2, conversation_id: other.conversation_id, imported_at: at },
      ]);
      expect(await rowsOf(db, 'import_ledger', alice.userId)).to.equal(1);
      // Imported again: a new conversation, recorded under the same fingerprint.
      const again = await store.addUserMessage(alice, { content: 'imported again', model: 'm' });
      await ledger.record(alice, { fingerprint: f1, conversation_id: again.conversation_id, imported_at: at });
      expect((await ledger.find(alice, [f1]))[0]?.conversation_id).to.equal(again.conversation_id);
    });

    it('lists in the order of the memory twin: ties on the time broken by id in byte order, whatever the collation', async () => {
      const { db, shares } = setup();
      const twin = new MemoryShareStore();
      const alice = userContext(randomUUID());
      const conversationId = randomUUID();
      await seedConversation(db, alice.userId, conversationId);
      const snapshot = { title: null, model: null, messages: [] };
      // Upper and lower case, '-' and '_', digits: natural-language collations order these differently.
      const ids = ['a', 'B', '_', '-', '0', 'z', 'Z'].map((c, i) => `${c}${String(i).padStart(31, c === '0' ? '1' : c)}`);
      for (const [i, shareId] of ids.entries()) {
        const share = {
          share_id: shareId,
          conversation_id: conversationId,
          branch_id: randomUUID(),
          created_at: `2026-01-15T09:3${i % 2}:00.000Z`,
          snapshot,
        };
        await shares.create(alice, share);
        await twin.create(alice, share);
      }
      expect(await shares.listForConversation(alice, conversationId)).to.deep.equal(await twin.listForConversation(alice, conversationId));
    });

    it("refuses a share or an entry naming a conversation that is missing or someone else's: NOT_FOUND, nothing written", async () => {
      const { db, store, shares, ledger } = setup();
      const alice = userContext(randomUUID());
      const bob = userContext(randomUUID());
      const hers = await store.addUserMessage(alice, { content: 'hers', model: 'm' });
      const snapshot = { title: null, model: null, messages: [] };
      for (const conversationId of [hers.conversation_id, randomUUID(), 'not-a-uuid']) {
        const share = {
          share_id: randomUUID().replace(/-/g, ''),
          conversation_id: conversationId,
          branch_id: hers.branch_id,
          created_at: new Date().toISOString(),
          snapshot,
        };
        await appErrorOf(shares.create(bob, share), 'NOT_FOUND');
        await appErrorOf(
          ledger.record(bob, { fingerprint: 'f'.repeat(64), conversation_id: conversationId, imported_at: share.created_at }),
          'NOT_FOUND',
        );
      }
      expect(await rowsOf(db, 'conversation_shares', bob.userId)).to.equal(0);
      expect(await rowsOf(db, 'import_ledger', bob.userId)).to.equal(0);
    });
  });
}
