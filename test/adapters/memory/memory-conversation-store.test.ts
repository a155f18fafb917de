import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { MEMORY_STORE_DEFAULT_MODEL, MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { isAppError } from '../../../src/domain/errors/app-error';
import type { ErrorCode } from '../../../src/domain/errors/error-codes';
import type { UserContext } from '../../../src/domain/user/user-context';
import type { Clock } from '../../../src/ports/clock.port';
import { describeConversationStoreContract } from '../../contracts/conversation-store.contract';

const START_MS = Date.parse('2026-01-01T00:00:00.000Z');

/** A fake clock one second later on every read, so every write has its own timestamp. */
class TickingClock implements Clock {
  private ms = START_MS;

  nowMs(): number {
    this.ms += 1000;
    return this.ms;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  monotonicMs(): number {
    return this.ms;
  }
}

function user(): UserContext {
  return { userId: randomUUID(), token: 'not-a-real-token' };
}

async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(isAppError(caught), `expected an AppError ${code}, got ${String(caught)}`).to.equal(true);
  expect((caught as { code: string }).code).to.equal(code);
}

describeConversationStoreContract(
  'memory',
  async () => ({
    store: new MemoryConversationStore(new TickingClock(), new CryptoIdGenerator()),
    alice: user(),
    bob: user(),
    close: async () => undefined,
  }),
  { keepsInterruptedFlag: true },
);

// The suite must also hold on a real millisecond clock, as the fake Edge Function server may use one.
describeConversationStoreContract(
  'memory, system clock',
  async () => ({
    store: new MemoryConversationStore(new SystemClock(), new CryptoIdGenerator()),
    alice: user(),
    bob: user(),
    close: async () => undefined,
  }),
  { keepsInterruptedFlag: true },
);

describe('MemoryConversationStore', () => {
  let store: MemoryConversationStore;
  let alice: UserContext;

  beforeEach(() => {
    store = new MemoryConversationStore(new TickingClock(), new CryptoIdGenerator());
    alice = user();
  });

  async function oneTurn(): Promise<{ conversationId: string; branchId: string; userId: string; replyId: string }> {
    const added = await store.addUserMessage(alice, { content: 'q1' });
    const saved = await store.saveAssistantMessage(alice, {
      conversation_id: added.conversation_id,
      branch_id: added.branch_id,
      parent_id: added.message_id,
      content: 'a1',
      model: 'm',
    });
    return { conversationId: added.conversation_id, branchId: added.branch_id, userId: added.message_id, replyId: saved.message_id };
  }

  it('keeps the interrupted flag of a reply cut short, and only of that reply', async () => {
    const t = await oneTurn();
    const cut = await store.saveAssistantMessage(alice, {
      conversation_id: t.conversationId,
      branch_id: t.branchId,
      parent_id: t.userId,
      content: 'half a rep',
      model: 'm',
      interrupted: true,
    });
    expect(store.isInterrupted(cut.message_id)).to.equal(true);
    expect(store.isInterrupted(t.replyId)).to.equal(false);
    expect(store.isInterrupted(t.userId)).to.equal(false);
    expect((await store.getMessage(alice, cut.message_id)).content).to.equal('half a rep');
  });

  it('returns copies: mutating a result does not change the store', async () => {
    const t = await oneTurn();
    const conversation = await store.getConversation(alice, t.conversationId);
    conversation.title = 'mutated';
    conversation.active_branch_id = null;
    (await store.listBranches(alice, t.conversationId))[0]!.name = 'mutated';
    (await store.getMessage(alice, t.userId)).content = 'mutated';
    const full = await store.getConversationFull(alice, t.conversationId);
    full.messages[1]!.content = 'mutated';
    full.branches.pop();
    (await store.buildContext(alice, { conversation_id: t.conversationId, max_messages: 10 })).messages[0]!.content = 'mutated';
    (await store.listConversations(alice, { page: 1, limit: 10 })).items[0]!.title = 'mutated';
    (await store.updateConversation(alice, t.conversationId, { settings: { temperature: 1 } })).settings!.temperature = 2;

    const after = await store.getConversationFull(alice, t.conversationId);
    expect(after.conversation).to.include({ title: 'a1', active_branch_id: t.branchId });
    expect(after.conversation.settings).to.deep.equal({ temperature: 1 });
    expect(after.branches.map((b) => b.name)).to.deep.equal(['Main']);
    expect(after.messages.map((m) => m.content)).to.deep.equal(['q1', 'a1']);
  });

  it('keeps a copy of the settings it was given', async () => {
    const { conversationId } = await oneTurn();
    const settings = { temperature: 0.3, nested: { a: 1 } };
    const updated = await store.updateConversation(alice, conversationId, { settings });
    settings.nested.a = 2;
    expect(updated.settings).to.deep.equal({ temperature: 0.3, nested: { a: 1 } });
    expect((await store.getConversation(alice, conversationId)).settings).to.deep.equal({ temperature: 0.3, nested: { a: 1 } });
  });

  it('starts conversations on the default model given to the constructor', async () => {
    expect((await store.getConversation(alice, (await store.addUserMessage(alice, { content: 'x' })).conversation_id)).model).to.equal(
      MEMORY_STORE_DEFAULT_MODEL,
    );
    const custom = new MemoryConversationStore(new TickingClock(), new CryptoIdGenerator(), 'custom/model');
    const added = await custom.addUserMessage(alice, { content: 'x' });
    expect((await custom.getConversation(alice, added.conversation_id)).model).to.equal('custom/model');
  });

  it('takes its timestamps from the clock', async () => {
    const conversation = await store.createConversation(alice, { model: 'm' });
    expect(conversation.created_at).to.match(/^2026-01-01T00:00:\d{2}\.000Z$/);
    const branch = (await store.listBranches(alice, conversation.id))[0]!;
    expect(Date.parse(branch.created_at)).to.be.greaterThan(Date.parse(conversation.created_at));
  });

  it('moves updated_at forward on branch writes too', async () => {
    const t = await oneTurn();
    const times: string[] = [];
    const mark = async () => times.push((await store.getConversation(alice, t.conversationId)).updated_at);
    await mark();
    const branch = await store.createBranch(alice, t.conversationId, { from_message_id: t.userId });
    await mark();
    await store.activateBranch(alice, t.conversationId, branch.id);
    await mark();
    await store.regenerateFork(alice, t.replyId, {});
    await mark();
    expect([...times].sort()).to.deep.equal(times);
    expect(new Set(times).size).to.equal(times.length);
  });

  it('names branches it makes without a name', async () => {
    const t = await oneTurn();
    const fork = await store.regenerateFork(alice, t.replyId, {});
    const added = await store.addUserMessage(alice, { conversation_id: t.conversationId, parent_id: t.userId, content: 'again' });
    const names = (await store.listBranches(alice, t.conversationId)).map((b) => [b.id, b.name]);
    expect(names).to.deep.equal([
      [t.branchId, 'Main'],
      [fork.branch_id, 'Branch 2'],
      [added.branch_id, 'Branch 3'],
    ]);
  });

  it('rejects parent_id without conversation_id', async () => {
    await expectAppError(store.addUserMessage(alice, { parent_id: randomUUID(), content: 'x' }), 'VALIDATION_ERROR');
    expect((await store.listConversations(alice, { page: 1, limit: 10 })).total).to.equal(0);
  });

  it('rejects a non-positive page, limit or max_messages', async () => {
    const { conversationId } = await oneTurn();
    await expectAppError(store.listConversations(alice, { page: 0, limit: 10 }), 'VALIDATION_ERROR');
    await expectAppError(store.listConversations(alice, { page: 1, limit: 0 }), 'VALIDATION_ERROR');
    await expectAppError(store.buildContext(alice, { conversation_id: conversationId, max_messages: 0 }), 'VALIDATION_ERROR');
  });

  it('leaves the title empty when the first reply is only whitespace, and titles a conversation whose title was cleared', async () => {
    const blank = await store.addUserMessage(alice, { content: 'q' });
    await store.saveAssistantMessage(alice, {
      conversation_id: blank.conversation_id,
      branch_id: blank.branch_id,
      parent_id: blank.message_id,
      content: '   \n ',
      model: 'm',
    });
    expect((await store.getConversation(alice, blank.conversation_id)).title).to.equal(null);

    const cleared = await store.createConversation(alice, { title: 'temp', model: 'm' });
    await store.updateConversation(alice, cleared.id, { title: '  ' });
    const added = await store.addUserMessage(alice, { conversation_id: cleared.id, content: 'q' });
    await store.saveAssistantMessage(alice, {
      conversation_id: cleared.id,
      branch_id: added.branch_id,
      parent_id: added.message_id,
      content: '  Sure thing  ',
      model: 'm',
    });
    expect((await store.getConversation(alice, cleared.id)).title).to.equal('Sure thing');
  });

  it('refuses to save a reply on a branch or after a message of another conversation', async () => {
    const one = await oneTurn();
    const two = await oneTurn();
    const reply = { conversation_id: one.conversationId, content: 'x', model: 'm' };
    await expectAppError(store.saveAssistantMessage(alice, { ...reply, branch_id: two.branchId, parent_id: one.userId }), 'NOT_FOUND');
    await expectAppError(store.saveAssistantMessage(alice, { ...reply, branch_id: one.branchId, parent_id: two.userId }), 'NOT_FOUND');
    expect((await store.getConversationFull(alice, one.conversationId)).messages).to.have.length(2);
  });
});
