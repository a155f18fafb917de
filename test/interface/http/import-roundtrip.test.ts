import { expect } from 'chai';
import type { ConversationFull } from '../../../src/domain/conversation/conversation';
import { CONVERSATION_STORE, type ConversationStore } from '../../../src/ports/conversation-store.port';
import { startApp, type RunningApp } from '../../support/http';
import { activeThread, postImport } from '../../support/import-client';
import { devToken, USER_A, USER_B } from '../../support/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface TreeNode {
  role: string;
  content: string;
  model: string | null;
  branch: string;
  children: TreeNode[];
}

/** A conversation without ids or times: what a round trip must keep. */
function shape(full: ConversationFull): Json {
  const branchName = new Map(full.branches.map((b) => [b.id, b.name]));
  const node = (id: string | null): TreeNode[] =>
    full.messages
      .filter((m) => m.parent_id === id)
      .map((m) => ({ role: m.role, content: m.content, model: m.model, branch: branchName.get(m.branch_id)!, children: node(m.id) }))
      .sort((a, b) => (a.content < b.content ? -1 : 1));
  return {
    title: full.conversation.title,
    model: full.conversation.model,
    branches: full.branches.map((b) => b.name).sort(),
    tree: node(null),
    active: activeThread(full),
  };
}

describe("import of the gateway's own export (round trip)", () => {
  let app: RunningApp;
  let store: ConversationStore;
  const a = { userId: USER_A, token: 't' };
  const b = { userId: USER_B, token: 't' };

  beforeEach(async () => {
    app = await startApp();
    store = app.container.resolve<ConversationStore>(CONVERSATION_STORE);
  });
  afterEach(() => app.close());

  /** Two conversations, one with a regenerated reply, an edited question and a named branch. */
  async function seed(): Promise<string[]> {
    const q1 = await store.addUserMessage(a, { content: 'What is a monad?', model: 'local/echo' });
    const r1 = await store.saveAssistantMessage(a, {
      ...q1,
      parent_id: q1.message_id,
      content: 'A monoid in the category of endofunctors.',
      model: 'local/echo',
    });
    const fork = await store.regenerateFork(a, r1.message_id, { branch_name: 'Simpler' });
    await store.saveAssistantMessage(a, {
      conversation_id: q1.conversation_id,
      branch_id: fork.branch_id,
      parent_id: q1.message_id,
      content: 'A box with rules for chaining.',
      model: 'local/other',
    });
    const q2 = await store.addUserMessage(a, {
      conversation_id: q1.conversation_id,
      parent_id: r1.message_id,
      content: 'Show one in **TypeScript**',
    });
    await store.saveAssistantMessage(a, {
      conversation_id: q1.conversation_id,
      branch_id: q2.branch_id,
      parent_id: q2.message_id,
      content: '```ts\nconst some = <T>(x: T) => [x];\n```',
      model: 'local/echo',
    });
    const q3 = await store.addUserMessage(a, {
      conversation_id: q1.conversation_id,
      parent_id: r1.message_id,
      content: 'Show one in Haskell',
    });
    await store.activateBranch(a, q1.conversation_id, q3.branch_id);
    await store.updateConversation(a, q1.conversation_id, { title: 'Monads' });
    const other = await store.createConversation(a, { title: 'Second', model: 'local/echo' });
    const o1 = await store.addUserMessage(a, { conversation_id: other.id, content: 'hello' });
    await store.saveAssistantMessage(a, {
      conversation_id: other.id,
      branch_id: o1.branch_id,
      parent_id: o1.message_id,
      content: 'hi',
      model: 'local/echo',
    });
    return [q1.conversation_id, other.id];
  }

  async function exportAll(): Promise<string> {
    const res = await app.request('/v1/export/conversations', {
      method: 'POST',
      headers: { Authorization: `Bearer ${devToken(USER_A)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ format: 'json', branches: 'all' }),
    });
    expect(res.status).to.equal(200);
    return res.text();
  }

  it('gives back the same conversations, branches and messages in another account', async () => {
    const ids = await seed();
    const file = await exportAll();
    const res = await postImport(app, file, { userId: USER_B });
    const report = ((await res.json()) as Json).data;
    expect(res.status).to.equal(200);
    expect(report.format).to.equal('gateway');
    expect(report.totals).to.include({ conversations: 2, imported: 2, failed: 0, messages: 8 });
    for (const id of ids) {
      const result = report.conversations.find((c: Json) => c.source_id === id);
      const original = shape(await store.getConversationFull(a, id));
      const copy = shape(await store.getConversationFull(b, result.conversation_id));
      expect(copy).to.deep.equal(original);
    }
  });

  it('reports conversations still in the account as already imported', async () => {
    const ids = await seed();
    const res = await postImport(app, await exportAll());
    const report = ((await res.json()) as Json).data;
    expect(report.totals).to.include({ imported: 0, skipped: 2 });
    expect(report.conversations.map((c: Json) => c.conversation_id).sort()).to.deep.equal([...ids].sort());
  });
});
