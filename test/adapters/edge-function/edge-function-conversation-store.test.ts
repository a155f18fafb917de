import { expect } from 'chai';
import nock from 'nock';
import { EdgeFunctionConversationStore } from '../../../src/adapters/edge-function/edge-function-conversation-store';
import { AppError } from '../../../src/domain/errors/app-error';
import { ManualClock, RecordingLogger, rejectionOf } from '../http/upstream-test-kit';
import {
  ANON_KEY,
  ASSISTANT_MESSAGE_ID,
  ASSISTANT_MESSAGE_ROW,
  BRANCH_2_ID,
  BRANCH_ID,
  BRANCH_ROW,
  CONVERSATION_ID,
  CONVERSATION_ROW,
  makeStore,
  ok,
  ORIGIN,
  PREFIX,
  SERVICE_KEY,
  USER,
  USER_MESSAGE_ID,
  USER_MESSAGE_ROW,
} from './edge-function-fixtures';

const edge = () => nock(ORIGIN);

describe('EdgeFunctionConversationStore: calls and translations', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  describe('headers', () => {
    it("sends the user's own JWT, the anon key and the request id, and never the service key", async () => {
      let seen: Record<string, string | string[] | undefined> = {};
      edge()
        .get(`${PREFIX}/conversations/${CONVERSATION_ID}`)
        .reply(function () {
          seen = this.req.headers;
          return [200, ok(CONVERSATION_ROW)];
        });
      await makeStore().store.getConversation(USER, CONVERSATION_ID);
      expect(seen.authorization).to.equal(`Bearer ${USER.token}`);
      expect(seen.apikey).to.equal(ANON_KEY);
      expect(seen['x-request-id']).to.equal(USER.requestId);
      expect(JSON.stringify(seen)).not.to.contain(SERVICE_KEY);
    });

    it('sends JSON bodies as application/json', async () => {
      const scope = edge()
        .matchHeader('content-type', /^application\/json/)
        .post(`${PREFIX}/add-message`)
        .reply(
          200,
          ok({
            message_id: USER_MESSAGE_ID,
            conversation_id: CONVERSATION_ID,
            branch_id: BRANCH_ID,
            parent_id: null,
            is_new_conversation: true,
          }),
        );
      await makeStore().store.addUserMessage(USER, { content: 'Hi' });
      expect(scope.isDone()).to.equal(true);
    });

    it('never logs the user token', async () => {
      edge().get(`${PREFIX}/conversations/${CONVERSATION_ID}`).reply(404, { success: false, error: 'Conversation not found' });
      const { store, logger } = makeStore();
      await rejectionOf(store.getConversation(USER, CONVERSATION_ID));
      expect(logger.entries).not.to.be.empty;
      expect(logger.text()).not.to.contain(USER.token);
    });
  });

  describe('conversations', () => {
    it('translates the pagination of GET /conversations into a Page, dropping extra fields', async () => {
      edge()
        .get(`${PREFIX}/conversations`)
        .query({ page: '2', limit: '5' })
        .reply(
          200,
          ok({
            conversations: [
              { id: CONVERSATION_ID, title: 'Hello', model: 'gpt-4o-mini', created_at: 'c', updated_at: 'u', message_count: 4 },
            ],
            total: 11,
            page: 2,
            limit: 5,
            has_more: true,
          }),
        );
      const page = await makeStore().store.listConversations(USER, { page: 2, limit: 5 });
      expect(page).to.deep.equal({
        items: [{ id: CONVERSATION_ID, title: 'Hello', model: 'gpt-4o-mini', created_at: 'c', updated_at: 'u' }],
        total: 11,
        page: 2,
        limit: 5,
      });
    });

    it('takes page and limit from the request when the function leaves them out', async () => {
      edge()
        .get(`${PREFIX}/conversations`)
        .query({ page: '3', limit: '10' })
        .reply(200, ok({ conversations: [], total: 20 }));
      expect(await makeStore().store.listConversations(USER, { page: 3, limit: 10 })).to.deep.equal({
        items: [],
        total: 20,
        page: 3,
        limit: 10,
      });
    });

    it('creates a conversation with POST /init-conversation, then reads the row', async () => {
      const scope = edge()
        .post(`${PREFIX}/init-conversation`, { title: 'Hello', model: 'gpt-4o-mini' })
        .reply(200, ok({ conversation_id: CONVERSATION_ID, branch_id: BRANCH_ID, title: 'Hello', model: 'gpt-4o-mini' }))
        .get(`${PREFIX}/conversations/${CONVERSATION_ID}`)
        .reply(200, ok(CONVERSATION_ROW));
      const conversation = await makeStore().store.createConversation(USER, { title: 'Hello', model: 'gpt-4o-mini' });
      expect(scope.isDone()).to.equal(true);
      expect(conversation).to.deep.equal({
        id: CONVERSATION_ID,
        title: 'Hello',
        model: 'gpt-4o-mini',
        active_branch_id: BRANCH_ID,
        created_at: CONVERSATION_ROW.created_at,
        updated_at: CONVERSATION_ROW.updated_at,
      });
      expect(conversation).not.to.have.property('user_id');
    });

    it('reads the full conversation, filling a branch conversation id the function leaves out', async () => {
      const { conversation_id: _dropped, ...branchWithoutConversation } = BRANCH_ROW;
      edge()
        .get(`${PREFIX}/conversations/${CONVERSATION_ID}/full`)
        .reply(
          200,
          ok({
            conversation: CONVERSATION_ROW,
            branches: [{ ...branchWithoutConversation, message_count: 2 }],
            messages: [USER_MESSAGE_ROW, { ...ASSISTANT_MESSAGE_ROW, embedding: null }],
          }),
        );
      const full = await makeStore().store.getConversationFull(USER, CONVERSATION_ID);
      expect(full.conversation.id).to.equal(CONVERSATION_ID);
      expect(full.branches).to.deep.equal([BRANCH_ROW]);
      expect(full.messages).to.deep.equal([USER_MESSAGE_ROW, ASSISTANT_MESSAGE_ROW]);
    });

    it('updates with PATCH /conversations/{id} and answers the updated row', async () => {
      const scope = edge()
        .patch(`${PREFIX}/conversations/${CONVERSATION_ID}`, { title: 'Renamed' })
        .reply(200, ok({ ...CONVERSATION_ROW, title: 'Renamed' }));
      const updated = await makeStore().store.updateConversation(USER, CONVERSATION_ID, { title: 'Renamed' });
      expect(scope.isDone()).to.equal(true);
      expect(updated.title).to.equal('Renamed');
    });

    it('answers the current row for an update that changes nothing, without an empty PATCH', async () => {
      const scope = edge().get(`${PREFIX}/conversations/${CONVERSATION_ID}`).reply(200, ok(CONVERSATION_ROW));
      const same = await makeStore().store.updateConversation(USER, CONVERSATION_ID, {});
      expect(scope.isDone()).to.equal(true);
      expect(same.title).to.equal('Hello');
    });

    it('defaults a missing title, model and updated_at of a row to null and created_at', async () => {
      edge()
        .get(`${PREFIX}/conversations/${CONVERSATION_ID}`)
        .reply(200, ok({ id: CONVERSATION_ID, active_branch_id: BRANCH_ID, created_at: 'c' }));
      expect(await makeStore().store.getConversation(USER, CONVERSATION_ID)).to.deep.equal({
        id: CONVERSATION_ID,
        title: null,
        model: null,
        active_branch_id: BRANCH_ID,
        created_at: 'c',
        updated_at: 'c',
      });
    });
  });

  describe('branches', () => {
    it('lists branches from a bare array, tolerating extra fields such as a message count', async () => {
      edge()
        .get(`${PREFIX}/conversations/${CONVERSATION_ID}/branches`)
        .reply(200, ok([{ ...BRANCH_ROW, message_count: 2, is_active: true }]));
      expect(await makeStore().store.listBranches(USER, CONVERSATION_ID)).to.deep.equal([BRANCH_ROW]);
    });

    it('lists branches from a {branches} wrapper too', async () => {
      edge()
        .get(`${PREFIX}/conversations/${CONVERSATION_ID}/branches`)
        .reply(200, ok({ branches: [BRANCH_ROW] }));
      expect(await makeStore().store.listBranches(USER, CONVERSATION_ID)).to.deep.equal([BRANCH_ROW]);
    });

    it('creates a branch with the REST call, naming the fork point parent_message_id', async () => {
      const created = { ...BRANCH_ROW, id: BRANCH_2_ID, parent_message_id: USER_MESSAGE_ID, name: 'Idea' };
      const scope = edge()
        .post(`${PREFIX}/conversations/${CONVERSATION_ID}/branches`, { parent_message_id: USER_MESSAGE_ID, name: 'Idea' })
        .reply(200, ok(created));
      const branch = await makeStore().store.createBranch(USER, CONVERSATION_ID, { from_message_id: USER_MESSAGE_ID, name: 'Idea' });
      expect(scope.isDone()).to.equal(true);
      expect(branch).to.deep.equal(created);
    });

    it('gives a branch a default name when none is given', async () => {
      let sent: { name?: string } = {};
      edge()
        .post(`${PREFIX}/conversations/${CONVERSATION_ID}/branches`)
        .reply(200, (_uri, body) => {
          sent = body as { name?: string };
          return ok({ ...BRANCH_ROW, id: BRANCH_2_ID, parent_message_id: USER_MESSAGE_ID, name: sent.name });
        });
      await makeStore().store.createBranch(USER, CONVERSATION_ID, { from_message_id: USER_MESSAGE_ID });
      expect(sent.name).to.be.a('string').and.not.be.empty;
    });

    for (const [label, status, body] of [
      ['an empty object', 200, ok({})],
      ['{active_branch_id}', 200, ok({ active_branch_id: BRANCH_2_ID })],
      ['the conversation row', 200, ok({ ...CONVERSATION_ROW, active_branch_id: BRANCH_2_ID })],
      ['no data', 200, { success: true }],
      ['204 No Content', 204, ''],
    ] as const) {
      it(`activates a branch with POST .../activate and accepts ${label} as the answer`, async () => {
        const scope = edge().post(`${PREFIX}/conversations/${CONVERSATION_ID}/branches/${BRANCH_2_ID}/activate`).reply(status, body);
        await makeStore().store.activateBranch(USER, CONVERSATION_ID, BRANCH_2_ID);
        expect(scope.isDone()).to.equal(true);
      });
    }

    it('refuses an activation answer that names another branch', async () => {
      edge()
        .post(`${PREFIX}/conversations/${CONVERSATION_ID}/branches/${BRANCH_2_ID}/activate`)
        .reply(200, ok({ active_branch_id: BRANCH_ID }));
      const err = (await rejectionOf(makeStore().store.activateBranch(USER, CONVERSATION_ID, BRANCH_2_ID))) as AppError;
      expect(err.code).to.equal('UPSTREAM_CONTRACT');
      expect(err.details).to.include({ operation: 'activateBranch' });
    });
  });

  describe('messages', () => {
    it('reads a message', async () => {
      edge()
        .get(`${PREFIX}/messages/${ASSISTANT_MESSAGE_ID}`)
        .reply(200, ok({ ...ASSISTANT_MESSAGE_ROW, user_id: 'someone' }));
      expect(await makeStore().store.getMessage(USER, ASSISTANT_MESSAGE_ID)).to.deep.equal(ASSISTANT_MESSAGE_ROW);
    });

    it('edits a message with PATCH /messages/{id} {content}', async () => {
      const scope = edge()
        .patch(`${PREFIX}/messages/${USER_MESSAGE_ID}`, { content: 'Hi again' })
        .reply(200, ok({ ...USER_MESSAGE_ROW, content: 'Hi again' }));
      const edited = await makeStore().store.editMessage(USER, USER_MESSAGE_ID, 'Hi again');
      expect(scope.isDone()).to.equal(true);
      expect(edited.content).to.equal('Hi again');
    });

    it('forks for a regeneration with POST /messages/{id}/regenerate', async () => {
      const scope = edge()
        .post(`${PREFIX}/messages/${ASSISTANT_MESSAGE_ID}/regenerate`, { branch_name: 'Retry' })
        .reply(200, ok({ branch_id: BRANCH_2_ID, parent_message_id: USER_MESSAGE_ID, conversation_id: CONVERSATION_ID, name: 'Retry' }));
      const fork = await makeStore().store.regenerateFork(USER, ASSISTANT_MESSAGE_ID, { branch_name: 'Retry' });
      expect(scope.isDone()).to.equal(true);
      expect(fork).to.deep.equal({ branch_id: BRANCH_2_ID, parent_message_id: USER_MESSAGE_ID, conversation_id: CONVERSATION_ID });
    });

    it('looks the conversation up from the reply when the regeneration answer leaves it out', async () => {
      const scope = edge()
        .post(`${PREFIX}/messages/${ASSISTANT_MESSAGE_ID}/regenerate`)
        .reply(200, ok({ id: BRANCH_2_ID, parent_message_id: USER_MESSAGE_ID, name: 'Regenerated' }))
        .get(`${PREFIX}/messages/${ASSISTANT_MESSAGE_ID}`)
        .reply(200, ok(ASSISTANT_MESSAGE_ROW));
      const fork = await makeStore().store.regenerateFork(USER, ASSISTANT_MESSAGE_ID, {});
      expect(scope.isDone()).to.equal(true);
      expect(fork).to.deep.equal({ branch_id: BRANCH_2_ID, parent_message_id: USER_MESSAGE_ID, conversation_id: CONVERSATION_ID });
    });

    it('adds a user message with POST /add-message and role user', async () => {
      const scope = edge()
        .post(`${PREFIX}/add-message`, {
          conversation_id: CONVERSATION_ID,
          parent_id: USER_MESSAGE_ID,
          role: 'user',
          content: 'More',
          model: 'm',
        })
        .reply(
          200,
          ok({
            message_id: ASSISTANT_MESSAGE_ID,
            conversation_id: CONVERSATION_ID,
            branch_id: BRANCH_ID,
            parent_id: USER_MESSAGE_ID,
            is_new_conversation: false,
          }),
        );
      const added = await makeStore().store.addUserMessage(USER, {
        conversation_id: CONVERSATION_ID,
        parent_id: USER_MESSAGE_ID,
        content: 'More',
        model: 'm',
      });
      expect(scope.isDone()).to.equal(true);
      expect(added).to.deep.equal({
        message_id: ASSISTANT_MESSAGE_ID,
        conversation_id: CONVERSATION_ID,
        branch_id: BRANCH_ID,
        parent_id: USER_MESSAGE_ID,
        is_new_conversation: false,
      });
    });

    it('infers is_new_conversation and a null parent when the function leaves them out', async () => {
      edge()
        .post(`${PREFIX}/add-message`)
        .reply(200, ok({ message_id: USER_MESSAGE_ID, conversation_id: CONVERSATION_ID, branch_id: BRANCH_ID }));
      const added = await makeStore().store.addUserMessage(USER, { content: 'First' });
      expect(added).to.include({ is_new_conversation: true, parent_id: null });
    });

    it('saves a reply with POST /save-response', async () => {
      const body = {
        conversation_id: CONVERSATION_ID,
        branch_id: BRANCH_ID,
        parent_id: USER_MESSAGE_ID,
        content: 'Sure',
        model: 'm',
        tokens_count: 7,
      };
      const scope = edge()
        .post(`${PREFIX}/save-response`, body)
        .reply(200, ok({ message_id: ASSISTANT_MESSAGE_ID, tokens_count: 7 }));
      expect(await makeStore().store.saveAssistantMessage(USER, body)).to.deep.equal({ message_id: ASSISTANT_MESSAGE_ID, tokens_count: 7 });
      expect(scope.isDone()).to.equal(true);
    });

    it('builds a context with POST /build-context, keeping role and content only and at most max_messages', async () => {
      const scope = edge()
        .post(`${PREFIX}/build-context`, { conversation_id: CONVERSATION_ID, branch_id: BRANCH_ID, max_messages: 2 })
        .reply(
          200,
          ok({
            messages: [
              { role: 'system', content: 'Be brief' },
              { role: 'user', content: 'Hi', id: USER_MESSAGE_ID },
              { role: 'assistant', content: 'Hello', tokens: 1 },
            ],
            model: 'gpt-4o-mini',
            branch_id: BRANCH_ID,
            token_count: 5,
          }),
        );
      const context = await makeStore().store.buildContext(USER, {
        conversation_id: CONVERSATION_ID,
        branch_id: BRANCH_ID,
        max_messages: 2,
      });
      expect(scope.isDone()).to.equal(true);
      expect(context).to.deep.equal({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
        ],
        model: 'gpt-4o-mini',
        branch_id: BRANCH_ID,
      });
    });
  });

  describe('ids', () => {
    for (const bad of ['nope', '../conversations', `${CONVERSATION_ID}/full`, '']) {
      it(`answers NOT_FOUND for the id ${JSON.stringify(bad)} without calling the function`, async () => {
        const spare = edge().get(/.*/).reply(200, ok(CONVERSATION_ROW));
        const err = (await rejectionOf(makeStore().store.getConversation(USER, bad))) as AppError;
        expect(err.code).to.equal('NOT_FOUND');
        expect(spare.isDone()).to.equal(false);
      });
    }

    it('checks the ids a body carries as well', async () => {
      const spare = edge().post(/.*/).reply(200, ok({}));
      const err = (await rejectionOf(makeStore().store.addUserMessage(USER, { conversation_id: 'not-a-uuid', content: 'x' }))) as AppError;
      expect(err.code).to.equal('NOT_FOUND');
      expect(spare.isDone()).to.equal(false);
    });
  });

  describe('base URL', () => {
    const build = (baseUrl: string) =>
      new EdgeFunctionConversationStore(
        { baseUrl, anonKey: ANON_KEY, poolSize: 1, timeoutMs: 1_000 },
        new ManualClock(),
        new RecordingLogger(),
      );

    it('must be the full function URL, ending with /conversation-manager', () => {
      expect(() => build('https://ref.supabase.co/functions/v1')).to.throw(/conversation-manager/);
      expect(() => build('not a url')).to.throw(/EDGE_FUNCTION_URL/);
    });

    it('may end with a slash', async () => {
      const scope = edge().get(`${PREFIX}/conversations/${CONVERSATION_ID}`).reply(200, ok(CONVERSATION_ROW));
      await build(`${ORIGIN}${PREFIX}/`).getConversation(USER, CONVERSATION_ID);
      expect(scope.isDone()).to.equal(true);
    });
  });
});
