import { expect } from 'chai';
import nock from 'nock';
import { AppError } from '../../../src/domain/errors/app-error';
import { connectionReset, rejectionOf } from '../http/upstream-test-kit';
import {
  BRANCH_ID,
  CONVERSATION_ID,
  CONVERSATION_ROW,
  fail,
  makeStore,
  ok,
  ORIGIN,
  PREFIX,
  USER,
  USER_MESSAGE_ID,
} from './edge-function-fixtures';

const edge = () => nock(ORIGIN);
const CONVERSATION_PATH = `${PREFIX}/conversations/${CONVERSATION_ID}`;
const ADDED = {
  message_id: USER_MESSAGE_ID,
  conversation_id: CONVERSATION_ID,
  branch_id: BRANCH_ID,
  parent_id: null,
  is_new_conversation: false,
};

async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const err = await rejectionOf(promise);
  expect(err, String(err)).to.be.instanceOf(AppError);
  return err as AppError;
}

describe('EdgeFunctionConversationStore: upstream failures', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  describe('transport', () => {
    it('turns a call slower than timeoutMs into UPSTREAM_TIMEOUT', async () => {
      edge().post(`${PREFIX}/add-message`).delay(1_000).reply(200, ok(ADDED));
      const err = await appErrorOf(
        makeStore({ timeoutMs: 50 }).store.addUserMessage(USER, { conversation_id: CONVERSATION_ID, content: 'x' }),
      );
      expect(err.code).to.equal('UPSTREAM_TIMEOUT');
      expect(err.details).to.include({ upstream: 'edge_function' });
    });

    it('retries a read that timed out once', async () => {
      const scope = edge()
        .get(CONVERSATION_PATH)
        .delay(1_000)
        .reply(200, ok(CONVERSATION_ROW))
        .get(CONVERSATION_PATH)
        .reply(200, ok(CONVERSATION_ROW));
      const conversation = await makeStore({ timeoutMs: 100 }).store.getConversation(USER, CONVERSATION_ID);
      expect(conversation.id).to.equal(CONVERSATION_ID);
      expect(scope.isDone()).to.equal(true);
    });

    it('turns a reset connection into UPSTREAM_UNAVAILABLE', async () => {
      edge().post(`${PREFIX}/save-response`).replyWithError(connectionReset());
      const err = await appErrorOf(
        makeStore().store.saveAssistantMessage(USER, {
          conversation_id: CONVERSATION_ID,
          branch_id: BRANCH_ID,
          parent_id: USER_MESSAGE_ID,
          content: 'x',
          model: 'm',
        }),
      );
      expect(err.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(err.details).to.include({ reason: 'ECONNRESET' });
    });

    it('retries a read after a 503 and answers the later 200', async () => {
      const scope = edge().get(CONVERSATION_PATH).reply(503, 'Service Unavailable').get(CONVERSATION_PATH).reply(200, ok(CONVERSATION_ROW));
      const conversation = await makeStore().store.getConversation(USER, CONVERSATION_ID);
      expect(conversation.id).to.equal(CONVERSATION_ID);
      expect(scope.isDone()).to.equal(true);
    });

    it('retries build-context, which only reads, after a 503', async () => {
      const scope = edge()
        .post(`${PREFIX}/build-context`)
        .reply(503, {})
        .post(`${PREFIX}/build-context`)
        .reply(200, ok({ messages: [], model: 'm' }));
      await makeStore().store.buildContext(USER, { conversation_id: CONVERSATION_ID, max_messages: 10 });
      expect(scope.isDone()).to.equal(true);
    });

    it('never retries a write after a 503: one call, then UPSTREAM_UNAVAILABLE', async () => {
      const first = edge().post(`${PREFIX}/add-message`).reply(503, 'Service Unavailable');
      const second = edge().post(`${PREFIX}/add-message`).reply(200, ok(ADDED));
      const err = await appErrorOf(makeStore().store.addUserMessage(USER, { conversation_id: CONVERSATION_ID, content: 'x' }));
      expect(err.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(first.isDone()).to.equal(true);
      expect(second.isDone()).to.equal(false);
    });

    it('passes on the Retry-After of a 503 it did not wait for', async () => {
      edge().get(CONVERSATION_PATH).reply(503, fail('overloaded'), { 'Retry-After': '120' });
      const err = await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID));
      expect(err.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(err.retryAfterSeconds).to.equal(120);
    });

    it('reads a Retry-After given as an HTTP date against the clock', async () => {
      const { store, clock } = makeStore();
      const at = new Date(clock.nowMs() + 30_000).toUTCString();
      edge().post(`${PREFIX}/add-message`).reply(503, '', { 'Retry-After': at });
      const err = await appErrorOf(store.addUserMessage(USER, { content: 'x' }));
      expect(err.retryAfterSeconds).to.equal(30);
    });
  });

  describe('non-JSON and unusable answers', () => {
    const html = '<html><body><h1>502 Bad Gateway</h1><p>internal-host-10-0-0-7</p></body></html>';

    it('turns a 502 with an HTML body into UPSTREAM_UNAVAILABLE, without echoing the body', async () => {
      edge().post(`${PREFIX}/add-message`).reply(502, html, { 'Content-Type': 'text/html' });
      const err = await appErrorOf(makeStore().store.addUserMessage(USER, { content: 'x' }));
      expect(err.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(err.details).to.include({ status: 502, operation: 'addUserMessage' });
      expect(JSON.stringify({ message: err.message, details: err.details })).not.to.contain('internal-host');
    });

    it('turns a non-JSON error body into UPSTREAM_ERROR with the status', async () => {
      edge()
        .post(`${PREFIX}/add-message`)
        .reply(500, 'Internal Server Error: relation "messages" at 10.0.0.7', { 'Content-Type': 'text/plain' });
      const err = await appErrorOf(makeStore().store.addUserMessage(USER, { content: 'x' }));
      expect(err.code).to.equal('UPSTREAM_ERROR');
      expect(err.details).to.include({ status: 500, reason: 'non_json_body' });
      expect(JSON.stringify({ message: err.message, details: err.details })).not.to.contain('10.0.0.7');
    });

    it('turns a 200 that is not JSON into UPSTREAM_CONTRACT', async () => {
      edge().get(CONVERSATION_PATH).reply(200, html, { 'Content-Type': 'text/html' });
      const err = await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID));
      expect(err.code).to.equal('UPSTREAM_CONTRACT');
      expect(err.details).to.include({ operation: 'getConversation' });
      expect(JSON.stringify(err.details)).not.to.contain('internal-host');
    });

    it('turns a 200 without the success envelope into UPSTREAM_CONTRACT', async () => {
      edge().get(CONVERSATION_PATH).reply(200, CONVERSATION_ROW);
      const err = await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID));
      expect(err.code).to.equal('UPSTREAM_CONTRACT');
    });

    it('turns a data shape it cannot use into UPSTREAM_CONTRACT naming the operation and the fields', async () => {
      edge()
        .get(`${PREFIX}/conversations`)
        .query(true)
        .reply(200, ok({ conversations: [{ id: CONVERSATION_ID, title: 7 }], total: 'many' }));
      const err = await appErrorOf(makeStore().store.listConversations(USER, { page: 1, limit: 20 }));
      expect(err.code).to.equal('UPSTREAM_CONTRACT');
      expect(err.details).to.include({ upstream: 'edge_function', operation: 'listConversations' });
      const paths = (err.details?.fields as { path: string }[]).map((f) => f.path);
      expect(paths).to.include.members(['data.total', 'data.conversations.0.created_at']);
    });

    it('turns a context message without content into UPSTREAM_CONTRACT, never an undefined', async () => {
      edge()
        .post(`${PREFIX}/build-context`)
        .reply(200, ok({ messages: [{ role: 'user' }], model: 'm' }));
      const err = await appErrorOf(makeStore().store.buildContext(USER, { conversation_id: CONVERSATION_ID, max_messages: 5 }));
      expect(err.code).to.equal('UPSTREAM_CONTRACT');
      expect(err.details).to.include({ operation: 'buildContext' });
    });

    it('turns a data-less success of an operation that needs data into UPSTREAM_CONTRACT', async () => {
      edge().post(`${PREFIX}/save-response`).reply(200, { success: true });
      const err = await appErrorOf(
        makeStore().store.saveAssistantMessage(USER, {
          conversation_id: CONVERSATION_ID,
          branch_id: BRANCH_ID,
          parent_id: USER_MESSAGE_ID,
          content: 'x',
          model: 'm',
        }),
      );
      expect(err.code).to.equal('UPSTREAM_CONTRACT');
    });

    it('turns success:false in a 200 into UPSTREAM_ERROR with the message', async () => {
      edge().get(CONVERSATION_PATH).reply(200, fail('database busy'));
      const err = await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID));
      expect(err.code).to.equal('UPSTREAM_ERROR');
      expect(err.details).to.include({ upstream_message: 'database busy' });
    });
  });

  describe('the string error envelope', () => {
    it('turns a 400 into VALIDATION_ERROR carrying the upstream message', async () => {
      edge().patch(`${PREFIX}/messages/${USER_MESSAGE_ID}`).reply(400, fail('Only user messages can be edited'));
      const err = await appErrorOf(makeStore().store.editMessage(USER, USER_MESSAGE_ID, 'x'));
      expect(err.code).to.equal('VALIDATION_ERROR');
      expect(err.details).to.include({ upstream_message: 'Only user messages can be edited', operation: 'editMessage' });
      expect(err.details?.fields).to.deep.equal([{ path: '(root)', message: 'Only user messages can be edited' }]);
    });

    it('turns a 404 (absent or not yours) into NOT_FOUND', async () => {
      edge().get(CONVERSATION_PATH).reply(404, fail('Conversation not found'));
      const err = await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID));
      expect(err.code).to.equal('NOT_FOUND');
      expect(err.message).to.equal('Conversation not found');
    });

    it('turns a 404 without the envelope (the platform did not find the function) into UPSTREAM_ERROR', async () => {
      edge().get(CONVERSATION_PATH).reply(404, { code: 'NOT_FOUND', message: 'Requested function was not found' });
      const err = await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID));
      expect(err.code).to.equal('UPSTREAM_ERROR');
      expect(err.details).to.include({ reason: 'function_not_found' });
    });

    it("turns a 401 of the user's JWT into AUTH_INVALID", async () => {
      edge().get(CONVERSATION_PATH).reply(401, fail('Unauthorized'));
      expect((await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID))).code).to.equal('AUTH_INVALID');
    });

    it('turns a 401 about an expired JWT into AUTH_EXPIRED', async () => {
      edge().get(CONVERSATION_PATH).reply(401, { code: 401, message: 'JWT expired' });
      expect((await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID))).code).to.equal('AUTH_EXPIRED');
    });

    it('turns a refused anon key into UPSTREAM_ERROR, never a 401 that would end the session', async () => {
      edge()
        .get(CONVERSATION_PATH)
        .reply(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
      const err = await appErrorOf(makeStore().store.getConversation(USER, CONVERSATION_ID));
      expect(err.code).to.equal('UPSTREAM_ERROR');
      expect(err.details).to.include({ cause: 'apikey rejected' });
    });

    it('turns a 405 into UPSTREAM_ERROR', async () => {
      edge().post(`${PREFIX}/add-message`).reply(405, fail('Method not allowed'));
      const err = await appErrorOf(makeStore().store.addUserMessage(USER, { content: 'x' }));
      expect(err.code).to.equal('UPSTREAM_ERROR');
      expect(err.details).to.include({ status: 405 });
    });

    it('turns a 500 into UPSTREAM_ERROR without passing its internals to the client', async () => {
      edge().post(`${PREFIX}/add-message`).reply(500, fail('duplicate key value violates unique constraint "messages_pkey"'));
      const err = await appErrorOf(makeStore().store.addUserMessage(USER, { content: 'x' }));
      expect(err.code).to.equal('UPSTREAM_ERROR');
      expect(err.details).to.include({ status: 500 });
      expect(JSON.stringify({ message: err.message, details: err.details })).not.to.contain('messages_pkey');
    });
  });

  describe('circuit breaker', () => {
    const write = (kit: ReturnType<typeof makeStore>) => kit.store.addUserMessage(USER, { conversation_id: CONVERSATION_ID, content: 'x' });

    it('opens after repeated failures, then answers UPSTREAM_UNAVAILABLE at once without calling the function', async () => {
      const kit = makeStore({ failureThreshold: 3, openMs: 10_000 });
      const failing = edge().post(`${PREFIX}/add-message`).times(3).reply(500, fail('boom'));
      for (let i = 0; i < 3; i += 1) expect((await appErrorOf(write(kit))).code).to.equal('UPSTREAM_ERROR');
      expect(failing.isDone()).to.equal(true);

      const untouched = edge().post(`${PREFIX}/add-message`).reply(200, ok(ADDED));
      const err = await appErrorOf(write(kit));
      expect(err.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(err.retryAfterSeconds).to.equal(10);
      expect(untouched.isDone()).to.equal(false);
    });

    it('recovers through one half-open probe once openMs has passed', async () => {
      const kit = makeStore({ failureThreshold: 2, openMs: 10_000 });
      edge().post(`${PREFIX}/add-message`).times(2).replyWithError(connectionReset());
      for (let i = 0; i < 2; i += 1) expect((await appErrorOf(write(kit))).code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(kit.store.upstream.breaker.state).to.equal('open');

      const probe = edge().post(`${PREFIX}/add-message`).reply(200, ok(ADDED));
      kit.clock.advanceMs(9_000);
      expect((await appErrorOf(write(kit))).code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(probe.isDone()).to.equal(false);

      kit.clock.advanceMs(1_000);
      expect((await write(kit)).message_id).to.equal(USER_MESSAGE_ID);
      expect(probe.isDone()).to.equal(true);
      expect(kit.store.upstream.breaker.state).to.equal('closed');

      const after = edge().post(`${PREFIX}/add-message`).reply(200, ok(ADDED));
      await write(kit);
      expect(after.isDone()).to.equal(true);
    });

    it('opens again when the half-open probe fails', async () => {
      const kit = makeStore({ failureThreshold: 1, openMs: 5_000 });
      edge().post(`${PREFIX}/add-message`).times(2).reply(503, 'down');
      await appErrorOf(write(kit));
      kit.clock.advanceMs(5_000);
      await appErrorOf(write(kit));
      expect(kit.store.upstream.breaker.state).to.equal('open');
      const untouched = edge().post(`${PREFIX}/add-message`).reply(200, ok(ADDED));
      expect((await appErrorOf(write(kit))).retryAfterSeconds).to.equal(5);
      expect(untouched.isDone()).to.equal(false);
    });

    it('is not opened by NOT_FOUND answers, which say nothing about the health of the function', async () => {
      const kit = makeStore({ failureThreshold: 2 });
      edge().get(CONVERSATION_PATH).times(3).reply(404, fail('Conversation not found'));
      for (let i = 0; i < 3; i += 1)
        expect((await appErrorOf(kit.store.getConversation(USER, CONVERSATION_ID))).code).to.equal('NOT_FOUND');
      expect(kit.store.upstream.breaker.state).to.equal('closed');
    });
  });
});
