import { expect } from 'chai';
import sinon from 'sinon';
import { EdgeFunctionConversationStore } from '../../../src/adapters/edge-function/edge-function-conversation-store';
import { AppError } from '../../../src/domain/errors/app-error';
import type { UserContext } from '../../../src/domain/user/user-context';
import type { ConversationStore } from '../../../src/ports/conversation-store.port';
import { FakeEdgeFunction } from '../../fakes/fake-edge-function';
import { devToken, USER_A } from '../../support/tokens';
import { ManualClock, RecordingLogger, rejectionOf } from '../http/upstream-test-kit';
import { ANON_KEY, CONVERSATION_ID, CONVERSATION_ROW } from './edge-function-fixtures';

/** A store whose every method is a stub the test programs. */
function stubStore(): sinon.SinonStubbedInstance<ConversationStore> {
  const methods: (keyof ConversationStore)[] = [
    'createConversation',
    'listConversations',
    'getConversation',
    'getConversationFull',
    'updateConversation',
    'listBranches',
    'createBranch',
    'activateBranch',
    'getMessage',
    'editMessage',
    'regenerateFork',
    'addUserMessage',
    'saveAssistantMessage',
    'buildContext',
  ];
  return Object.fromEntries(methods.map((m) => [m, sinon.stub().rejects(new Error(`${m} not programmed`))])) as never;
}

describe('FakeEdgeFunction (the local twin of the upstream, used by the contract test)', () => {
  let fake: FakeEdgeFunction;
  let store: sinon.SinonStubbedInstance<ConversationStore>;
  const alice: UserContext = { userId: USER_A, token: devToken(USER_A), requestId: 'req-fake-1' };
  const { user_id: _owner, ...conversation } = CONVERSATION_ROW;

  function adapter(anonKey = ANON_KEY): EdgeFunctionConversationStore {
    return new EdgeFunctionConversationStore(
      { baseUrl: fake.url, anonKey, poolSize: 2, timeoutMs: 5_000, retries: 0 },
      new ManualClock(),
      new RecordingLogger(),
    );
  }

  async function raw(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${fake.url}${path}`, { method, headers: { apikey: ANON_KEY, ...headers } });
    return { status: res.status, body: await res.json() };
  }

  beforeEach(async () => {
    store = stubStore();
    fake = await FakeEdgeFunction.start(store, { anonKey: ANON_KEY });
  });
  afterEach(async () => fake.close());

  it('calls the store as the user named by the JWT sub, and the adapter drops the extra user_id', async () => {
    store.getConversation.resolves(conversation);
    const got = await adapter().getConversation(alice, CONVERSATION_ID);
    expect(got).to.deep.equal(conversation);
    expect(store.getConversation.calledOnce).to.equal(true);
    const [user, id] = store.getConversation.firstCall.args;
    expect(user.userId).to.equal(USER_A);
    expect(id).to.equal(CONVERSATION_ID);
    expect(fake.requests[0]?.headers).to.include({ 'x-request-id': 'req-fake-1', apikey: ANON_KEY });
  });

  it('answers 401 with the string envelope without a bearer token', async () => {
    const res = await raw('GET', `/conversations/${CONVERSATION_ID}`);
    expect(res.status).to.equal(401);
    expect(res.body).to.deep.equal({ success: false, error: 'Missing authorization header' });
  });

  it('answers 401 for a token without sub, which the adapter reports as AUTH_INVALID', async () => {
    const noSub = { ...alice, token: devToken('') };
    const err = (await rejectionOf(adapter().getConversation(noSub, CONVERSATION_ID))) as AppError;
    expect(err.code).to.equal('AUTH_INVALID');
    expect(store.getConversation.called).to.equal(false);
  });

  it('answers a wrong anon key like the platform gateway, which the adapter reports as UPSTREAM_ERROR', async () => {
    const err = (await rejectionOf(adapter('wrong-key').getConversation(alice, CONVERSATION_ID))) as AppError;
    expect(err.code).to.equal('UPSTREAM_ERROR');
    expect(err.details).to.include({ cause: 'apikey rejected' });
  });

  it('answers 405 for a wrong method and 404 for an unknown path, both with the string envelope', async () => {
    const auth = { Authorization: `Bearer ${alice.token}` };
    expect(await raw('DELETE', `/conversations/${CONVERSATION_ID}`, auth)).to.deep.equal({
      status: 405,
      body: { success: false, error: 'Method not allowed' },
    });
    expect(await raw('GET', '/nothing-here', auth)).to.deep.equal({ status: 404, body: { success: false, error: 'Not found' } });
  });

  it("turns the store's NOT_FOUND into 404, VALIDATION_ERROR into 400 and anything else into 500", async () => {
    store.getConversation.rejects(new AppError('NOT_FOUND', 'Conversation not found'));
    store.editMessage.rejects(new AppError('VALIDATION_ERROR', 'Only user messages can be edited'));
    store.getMessage.rejects(new Error('disk on fire'));
    const a = adapter();
    expect(((await rejectionOf(a.getConversation(alice, CONVERSATION_ID))) as AppError).code).to.equal('NOT_FOUND');
    const invalid = (await rejectionOf(a.editMessage(alice, CONVERSATION_ID, 'x'))) as AppError;
    expect(invalid.code).to.equal('VALIDATION_ERROR');
    expect(invalid.details).to.include({ upstream_message: 'Only user messages can be edited' });
    const broken = (await rejectionOf(a.getMessage(alice, CONVERSATION_ID))) as AppError;
    expect(broken.code).to.equal('UPSTREAM_ERROR');
    expect(broken.details).to.include({ status: 500 });
  });

  it('answers 400 for a body without its required fields', async () => {
    const err = (await rejectionOf(adapter().createConversation(alice, { model: undefined as unknown as string }))) as AppError;
    expect(err.code).to.equal('VALIDATION_ERROR');
    expect(err.details).to.include({ upstream_message: 'model is required' });
    expect(store.createConversation.called).to.equal(false);
  });
});
