import { expect } from 'chai';
import { MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import type { UserContext } from '../../../src/domain/user/user-context';
import type { SavedAssistantMessage, SaveAssistantMessageInput } from '../../../src/ports/conversation-store.port';
import { useRealHttp } from '../../support/real-http';
import { devToken, USER_A } from '../../support/tokens';
import { deltasOf, openStream, parseChunk, startChat, type ChatHarness, type Json } from './chat-harness';

/** The Edge Function's database, failing the first `failures` saves of a reply (the function answers 500). */
class FlakySaves extends MemoryConversationStore {
  saveCalls = 0;

  constructor(private readonly failures: number) {
    super(new SystemClock(), new CryptoIdGenerator());
  }

  override async saveAssistantMessage(user: UserContext, input: SaveAssistantMessageInput): Promise<SavedAssistantMessage> {
    this.saveCalls += 1;
    if (this.saveCalls <= this.failures) throw new Error('database unavailable');
    return super.saveAssistantMessage(user, input);
  }
}

describe('saving the streamed reply (fake Edge Function, fake LiteLLM)', () => {
  useRealHttp();
  let h: ChatHarness;
  const alice: UserContext = { userId: USER_A, token: devToken(USER_A) };

  afterEach(async () => h.close());

  it('retries a failed save: the client gets the final chunk with the id of the one stored reply', async () => {
    const store = new FlakySaves(1);
    h = await startChat('edge+litellm', {}, store);
    const sse = await openStream(h, USER_A, { message: 'Keep this' });
    await sse.readAll();
    expect(sse.data[sse.data.length - 1]).to.equal('[DONE]');
    const final = parseChunk(sse.data[sse.data.length - 2]!);
    expect(final.choices[0].finish_reason).to.equal('stop');
    expect(store.saveCalls).to.equal(2);
    const full = await store.getConversationFull(alice, final.conversation.conversation_id as string);
    expect(full.messages.map((m) => [m.id, m.role, m.content])).to.deep.equal([
      [final.conversation.user_message_id, 'user', 'Keep this'],
      [final.conversation.assistant_message_id, 'assistant', 'Echo: Keep this'],
    ]);
  });

  it('a save that keeps failing ends the stream with an error event, and the log holds what is needed to replay it', async () => {
    const store = new FlakySaves(Number.POSITIVE_INFINITY);
    h = await startChat('edge+litellm', {}, store);
    const sse = await openStream(h, USER_A, { message: 'Do not lose me' });
    await sse.readAll();
    const data = sse.data;
    // Every delta reached the client, then the failure is said, never a silent end.
    expect(deltasOf(data).join('')).to.equal('Echo: Do not lose me');
    const error = parseChunk(data[data.length - 2]!);
    expect(error).to.have.all.keys('error');
    expect(error.error.code).to.equal('UPSTREAM_UNAVAILABLE');
    expect(data[data.length - 1]).to.equal('[DONE]');
    expect(store.saveCalls).to.equal(3);

    const conversationId = sse.response.headers.get('x-conversation-id')!;
    const failed = h.app.logs.records().filter((r) => r.event === 'assistant_message_save_failed');
    expect(failed).to.have.length(1);
    expect((failed[0]!.replay as Json).input).to.deep.equal({
      conversation_id: conversationId,
      branch_id: sse.response.headers.get('x-branch-id'),
      parent_id: parseChunk(data[0]!).conversation.user_message_id,
      content: 'Echo: Do not lose me',
      model: h.model,
      tokens_count: 5,
    });
    const key = await h.users.getLlmKey({ userId: USER_A, token: 'unused' });
    expect(h.app.logs.text()).not.to.contain(key);
    expect(h.app.logs.text()).not.to.contain(alice.token);
  });
});
