import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { PostgresConversationIndex } from '../../../src/adapters/postgres/postgres-conversation-index';
import { PostgresConversationStore } from '../../../src/adapters/postgres/postgres-conversation-store';
import { PostgresUserDirectory } from '../../../src/adapters/postgres/postgres-user-directory';
import type { SqlDatabase } from '../../../src/adapters/postgres/sql-database';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { isAppError } from '../../../src/domain/errors/app-error';
import type { UserContext } from '../../../src/domain/user/user-context';
import { userContext } from '../../support/conversation-dataset';

/** Everything of one user the database holds, read straight from the tables (the test's own SQL). */
async function snapshot(db: SqlDatabase, userId: string): Promise<unknown> {
  const tables = ['user_profiles', 'conversations', 'branches', 'messages'];
  const out: Record<string, unknown> = {};
  for (const table of tables) {
    const owner = table === 'user_profiles' ? 'id' : 'user_id';
    const { rows } = await db.query(`SELECT * FROM ${table} WHERE ${owner} = $1 ORDER BY 1`, [userId]);
    out[table] = rows.map((r) => JSON.parse(JSON.stringify(r)) as unknown);
  }
  return out;
}

async function notFound(promise: Promise<unknown>): Promise<void> {
  const err = await promise.then(
    () => expect.fail('expected NOT_FOUND, the call succeeded'),
    (e: unknown) => e,
  );
  expect(isAppError(err) && err.code, String(err)).to.equal('NOT_FOUND');
}

/**
 * Per-user isolation of the PostgreSQL adapters: Bob tries every store, index and directory
 * operation on Alice's ids. Each read is NOT_FOUND or empty, each write changes nothing of hers
 * (her rows compared before and after, straight from the tables), and her own view is intact.
 */
export function describeIsolation(label: string, database: () => SqlDatabase): void {
  describe(`per-user isolation: every operation across two users (${label})`, () => {
    it("never lets one user read, change, fork, search or delete another user's rows", async () => {
      const db = database();
      const ids = new CryptoIdGenerator();
      const store = new PostgresConversationStore(db, new SystemClock(), ids, 'local/echo');
      const index = new PostgresConversationIndex(db);
      const directory = new PostgresUserDirectory(db, new SystemClock());
      const alice: UserContext = userContext(randomUUID());
      const bob: UserContext = userContext(randomUUID());

      // Alice: a profile, a conversation with a reply, a second branch, a regeneration fork.
      await directory.updateProfile(alice, { display_name: 'Alice', preferences: { theme: 'dark' } });
      const q = await store.addUserMessage(alice, { content: 'secret plans for the zephyr project', model: 'm' });
      const a = await store.saveAssistantMessage(alice, {
        conversation_id: q.conversation_id,
        branch_id: q.branch_id,
        parent_id: q.message_id,
        content: 'zephyr reply',
        model: 'm',
        tokens_count: 3,
      });
      const alt = await store.createBranch(alice, q.conversation_id, { from_message_id: q.message_id, name: 'alt' });
      await store.regenerateFork(alice, a.message_id, {});
      // Bob has data of his own, so an empty answer is not just an empty database.
      const his = await store.addUserMessage(bob, { content: 'zephyr of his own', model: 'm' });
      const before = await snapshot(db, alice.userId);

      const c = q.conversation_id;
      await notFound(store.getConversation(bob, c));
      await notFound(store.getConversationFull(bob, c));
      await notFound(store.updateConversation(bob, c, { title: 'taken', model: 'x', settings: { a: 1 } }));
      await notFound(store.listBranches(bob, c));
      await notFound(store.createBranch(bob, c, { from_message_id: q.message_id }));
      await notFound(store.createBranch(bob, his.conversation_id, { from_message_id: q.message_id }));
      await notFound(store.activateBranch(bob, c, alt.id));
      await notFound(store.activateBranch(bob, his.conversation_id, alt.id));
      await notFound(store.getMessage(bob, q.message_id));
      await notFound(store.editMessage(bob, q.message_id, 'hijacked'));
      await notFound(store.regenerateFork(bob, a.message_id, {}));
      await notFound(store.addUserMessage(bob, { conversation_id: c, content: 'in' }));
      await notFound(store.addUserMessage(bob, { conversation_id: his.conversation_id, parent_id: a.message_id, content: 'graft' }));
      await notFound(
        store.saveAssistantMessage(bob, { conversation_id: c, branch_id: q.branch_id, parent_id: q.message_id, content: 'x', model: 'm' }),
      );
      await notFound(
        store.saveAssistantMessage(bob, {
          conversation_id: his.conversation_id,
          branch_id: q.branch_id,
          parent_id: q.message_id,
          content: 'x',
          model: 'm',
        }),
      );
      await notFound(store.buildContext(bob, { conversation_id: c, max_messages: 10 }));
      await notFound(store.buildContext(bob, { conversation_id: his.conversation_id, branch_id: alt.id, max_messages: 10 }));

      const bobsList = await store.listConversations(bob, { page: 1, limit: 50 });
      expect(bobsList.items.map((x) => x.id)).to.deep.equal([his.conversation_id]);
      const page = await index.listConversations(bob, {}, 'updated_at.desc', { offset: 0, limit: 50 });
      expect(page.items.map((x) => x.id)).to.deep.equal([his.conversation_id]);
      expect(await index.conversationsByIds(bob, [c], {})).to.deep.equal([]);
      expect((await index.findByTitle(bob, 'zephyr', {}, 50)).items.map((x) => x.id)).to.not.include(c);
      expect((await index.findMessages(bob, 'zephyr', 50)).items.map((m) => m.conversation_id)).to.deep.equal([his.conversation_id]);
      expect((await index.messageActivity(bob, {}, 50)).items.map((m) => m.conversation_id)).to.deep.equal([his.conversation_id]);
      expect(await index.deleteConversations(bob, [c])).to.deep.equal([]);
      expect((await directory.getProfile(bob)).display_name).to.equal(null);
      await directory.updateProfile(bob, { display_name: 'Bob' });
      expect(await directory.getLlmKey(bob)).to.not.equal(await directory.getLlmKey(alice));

      // Not one of Alice's rows changed, and she still sees all of it.
      expect(await snapshot(db, alice.userId)).to.deep.equal(before);
      expect((await store.getConversationFull(alice, c)).messages).to.have.length(2);
      expect((await directory.getProfile(alice)).display_name).to.equal('Alice');
    });
  });
}
