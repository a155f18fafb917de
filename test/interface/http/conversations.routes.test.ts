import { expect } from 'chai';
import { MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { FakeEdgeFunction } from '../../fakes/fake-edge-function';
import { startApp, type RunningApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { bearer, devToken, USER_A, USER_B } from '../../support/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Every conversation route over HTTP. `suite` is run against the embedded default and (by the
 * Edge Function adapter's tests) against the fake Edge Function, with the same expectations.
 */
export function conversationRouteSuite(label: string, start: () => Promise<RunningApp>): void {
  describe(`conversation routes (${label})`, () => {
    let app: RunningApp;
    const alice = bearer(devToken(USER_A));
    const bob = bearer(devToken(USER_B));
    const json = (token: Record<string, string>, method: string, body?: unknown): RequestInit => ({
      method,
      headers: { ...token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const create = async (title?: string): Promise<Json> => {
      const res = await app.json<Json>('/v1/conversations', json(alice, 'POST', title ? { title } : {}));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res.body.data;
    };
    /** A conversation with one exchange, made through the chat endpoint. */
    const withExchange = async (): Promise<{ conversation: Json; user: Json; assistant: Json }> => {
      const chat = await app.json<Json>('/v1/chat/completions', json(alice, 'POST', { message: 'Hello there, model', stream: false }));
      expect(chat.status, JSON.stringify(chat.body)).to.equal(200);
      const ref = chat.body.conversation;
      const full = await app.json<Json>(`/v1/conversations/${ref.conversation_id}/full`, json(alice, 'GET'));
      const messages = full.body.data.messages as Json[];
      return {
        conversation: full.body.data.conversation,
        user: messages.find((m) => m.id === ref.user_message_id)!,
        assistant: messages.find((m) => m.id === ref.assistant_message_id)!,
      };
    };

    beforeEach(async () => {
      app = await start();
    });
    afterEach(async () => app.close());

    it('creates, lists, reads and renames a conversation', async () => {
      const conv = await create('  First chat  ');
      expect(conv.title).to.equal('First chat');
      expect(conv.active_branch_id).to.be.a('string');
      const list = await app.json<Json>('/v1/conversations?page=1&limit=10', json(alice, 'GET'));
      expect(list.status).to.equal(200);
      expect(list.body.data.items.map((c: Json) => c.id)).to.include(conv.id);
      expect(list.body.data.pagination).to.include({ page: 1, limit: 10 });
      expect(list.body.data.pagination.total).to.be.at.least(1);
      const got = await app.json<Json>(`/v1/conversations/${conv.id}`, json(alice, 'GET'));
      expect(got.body).to.deep.include({ success: true });
      expect(got.body.data.id).to.equal(conv.id);
      const renamed = await app.json<Json>(`/v1/conversations/${conv.id}`, json(alice, 'PATCH', { title: '  Renamed ' }));
      expect(renamed.status).to.equal(200);
      expect(renamed.body.data.title).to.equal('Renamed');
      expect((await app.json<Json>(`/v1/conversations/${conv.id}`, json(alice, 'GET'))).body.data.title).to.equal('Renamed');
    });

    it('paginates with pages computed from the total', async () => {
      for (let i = 0; i < 3; i += 1) await create(`c${i}`);
      const page = await app.json<Json>('/v1/conversations?page=2&limit=2', json(alice, 'GET'));
      expect(page.status).to.equal(200);
      expect(page.body.data.pagination.limit).to.equal(2);
      expect(page.body.data.pagination.pages).to.equal(Math.ceil(page.body.data.pagination.total / 2));
      expect(page.body.data.items.length).to.be.at.most(2);
    });

    it('rejects bad input before any upstream call', async () => {
      expect((await app.json<Json>('/v1/conversations/not-a-uuid', json(alice, 'GET'))).body.error.code).to.equal('VALIDATION_ERROR');
      const blankTarget = await create('y');
      const blank = await app.json<Json>(`/v1/conversations/${blankTarget.id}`, json(alice, 'PATCH', { title: '   ' }));
      expect(blank.status).to.equal(422);
      expect(blank.body.error.details.fields[0].path).to.equal('title');
      const conv = await create('z');
      const long = await app.json<Json>(`/v1/conversations/${conv.id}`, json(alice, 'PATCH', { title: 'x'.repeat(201), colour: 'red' }));
      expect(long.status).to.equal(422);
      const paths = long.body.error.details.fields.map((f: Json) => f.path);
      expect(paths).to.include.members(['title', 'colour']);
      expect((await app.json<Json>(`/v1/conversations/${conv.id}`, json(alice, 'PATCH', {}))).status).to.equal(422);
      expect((await app.json<Json>('/v1/conversations?limit=101', json(alice, 'GET'))).status).to.equal(422);
    });

    it('reads the full tree, branches from a message, activates the branch', async () => {
      const { conversation, user, assistant } = await withExchange();
      const full = await app.json<Json>(`/v1/conversations/${conversation.id}/full`, json(alice, 'GET'));
      expect(full.status).to.equal(200);
      const data = full.body.data;
      expect(data.tree.active_thread).to.deep.equal([user.id, assistant.id]);
      expect(data.tree.children[user.id]).to.deep.equal([assistant.id]);
      expect(data.branches).to.have.length(1);
      expect(data.branches[0]).to.include({ name: 'Main', is_active: true, leaf_message_id: assistant.id, message_count: 2 });

      const branch = await app.json<Json>(
        `/v1/conversations/${conversation.id}/branches`,
        json(alice, 'POST', { from_message_id: user.id, name: 'Alt' }),
      );
      expect(branch.status, JSON.stringify(branch.body)).to.equal(201);
      expect(branch.body.data).to.include({ conversation_id: conversation.id, parent_message_id: user.id });

      const branches = await app.json<Json>(`/v1/conversations/${conversation.id}/branches`, json(alice, 'GET'));
      expect(branches.body.data).to.have.length(2);
      const alt = branches.body.data.find((b: Json) => b.id === branch.body.data.id);
      expect(alt).to.include({ is_active: false, leaf_message_id: user.id, message_count: 1, own_message_count: 0 });

      const activated = await app.json<Json>(`/v1/conversations/${conversation.id}/branches/${alt.id}/activate`, json(alice, 'POST'));
      expect(activated.status).to.equal(200);
      expect(activated.body.data.active_branch_id).to.equal(alt.id);
      const after = await app.json<Json>(`/v1/conversations/${conversation.id}/full`, json(alice, 'GET'));
      expect(after.body.data.tree.active_thread).to.deep.equal([user.id]);

      const legacyName = await app.json<Json>(
        `/v1/conversations/${conversation.id}/branches`,
        json(alice, 'POST', { parent_message_id: assistant.id }),
      );
      expect(legacyName.status).to.equal(201);
      const neither = await app.json<Json>(`/v1/conversations/${conversation.id}/branches`, json(alice, 'POST', { name: 'x' }));
      expect(neither.status).to.equal(422);
    });

    it('reads and edits messages; an assistant message cannot be edited', async () => {
      const { user, assistant } = await withExchange();
      const got = await app.json<Json>(`/v1/messages/${assistant.id}`, json(alice, 'GET'));
      expect(got.body.data).to.include({ id: assistant.id, role: 'assistant' });
      const edited = await app.json<Json>(`/v1/messages/${user.id}`, json(alice, 'PATCH', { content: 'Edited text' }));
      expect(edited.status).to.equal(200);
      expect(edited.body.data.content).to.equal('Edited text');
      const refused = await app.json<Json>(`/v1/messages/${assistant.id}`, json(alice, 'PATCH', { content: 'nope' }));
      expect(refused.status).to.equal(422);
      expect(refused.body.error.details.role).to.equal('assistant');
      expect((await app.json<Json>(`/v1/messages/${assistant.id}`, json(alice, 'GET'))).body.data.content).to.equal(assistant.content);
    });

    it("answers 404 to user B for user A's conversation, branch and message", async () => {
      const { conversation, user, assistant } = await withExchange();
      const paths: [string, string, unknown?][] = [
        ['GET', `/v1/conversations/${conversation.id}`],
        ['GET', `/v1/conversations/${conversation.id}/full`],
        ['GET', `/v1/conversations/${conversation.id}/branches`],
        ['PATCH', `/v1/conversations/${conversation.id}`, { title: 'mine now' }],
        ['POST', `/v1/conversations/${conversation.id}/branches`, { from_message_id: user.id }],
        ['POST', `/v1/conversations/${conversation.id}/branches/${conversation.active_branch_id}/activate`],
        ['GET', `/v1/messages/${user.id}`],
        ['PATCH', `/v1/messages/${user.id}`, { content: 'hijack' }],
        ['POST', `/v1/messages/${assistant.id}/regenerate`, {}],
      ];
      for (const [method, path, body] of paths) {
        const res = await app.json<Json>(path, json(bob, method, body));
        expect(res.status, `${method} ${path}`).to.equal(404);
        expect(res.body.error.code).to.equal('NOT_FOUND');
      }
      const bobs = await app.json<Json>('/v1/conversations', json(bob, 'GET'));
      expect(bobs.body.data.items.map((c: Json) => c.id)).not.to.include(conversation.id);
      // Nothing changed for alice.
      expect((await app.json<Json>(`/v1/conversations/${conversation.id}`, json(alice, 'GET'))).body.data.title).to.equal(
        conversation.title,
      );
    });

    it('regenerates a reply on a new active branch', async () => {
      const { conversation, user, assistant } = await withExchange();
      const res = await app.json<Json>(`/v1/messages/${assistant.id}/regenerate`, json(alice, 'POST', {}));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const data = res.body.data;
      expect(data.conversation_id).to.equal(conversation.id);
      expect(data.branch_id).not.to.equal(conversation.active_branch_id);
      expect(data.message).to.include({ role: 'assistant', parent_id: user.id, branch_id: data.branch_id });
      const full = await app.json<Json>(`/v1/conversations/${conversation.id}/full`, json(alice, 'GET'));
      expect(full.body.data.conversation.active_branch_id).to.equal(data.branch_id);
      expect(full.body.data.tree.children[user.id]).to.have.members([assistant.id, data.message.id]);
      expect(full.body.data.tree.active_thread).to.deep.equal([user.id, data.message.id]);
    });
  });
}

conversationRouteSuite('embedded default', () => startApp());

conversationRouteSuite('fake Edge Function', async () => {
  const fake = await FakeEdgeFunction.start(new MemoryConversationStore(new SystemClock(), new CryptoIdGenerator()));
  const app = await startApp({
    config: testConfig({ EDGE_FUNCTION_URL: fake.url, SUPABASE_ANON_KEY: 'test-anon-key', LOG_LEVEL: 'info' }),
  });
  return {
    ...app,
    close: async () => {
      await app.close();
      await fake.close();
    },
  };
});
