import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { AUTO_TITLE_LENGTH, MAIN_BRANCH_NAME } from '../../src/domain/conversation/conversation';
import type { ErrorCode } from '../../src/domain/errors/error-codes';
import { isAppError } from '../../src/domain/errors/app-error';
import type { UserContext } from '../../src/domain/user/user-context';
import { isUuid } from '../../src/domain/user/uuid';
import type { ConversationStore } from '../../src/ports/conversation-store.port';

/**
 * What one run of the suite needs: a store with no conversations of `alice` or `bob` (two distinct
 * users), and a way to release it. `setup` is called before every test.
 *
 * The store's clock must move forward: the suite pauses a few milliseconds between writes whose
 * order it checks, so a real clock works, and so does a fake clock that ticks on every read; a
 * frozen clock does not.
 */
export interface ContractFixture {
  store: ConversationStore;
  alice: UserContext;
  bob: UserContext;
  close(): Promise<void>;
}

const MODEL = 'contract/model';
const OTHER_MODEL = 'contract/other-model';

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return expect.fail('expected the call to be rejected');
}

async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await rejectionOf(promise);
  expect(isAppError(err), `expected an AppError ${code}, got ${String(err)}`).to.equal(true);
  expect((err as { code: string }).code).to.equal(code);
}

/** Lets a millisecond clock move on, so the next write gets a later timestamp. */
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

function expectTimestamp(value: string): void {
  expect(value).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
  expect(Number.isNaN(Date.parse(value)), value).to.equal(false);
}

interface Thread {
  conversationId: string;
  branchId: string;
  /** Message ids in thread order: user, assistant, user, assistant... */
  ids: string[];
}

/** A conversation of `turns` question/answer pairs on its Main branch, started by addUserMessage. */
async function chat(store: ConversationStore, user: UserContext, turns: [string, string][], title?: string): Promise<Thread> {
  let conversationId: string | undefined;
  if (title !== undefined) conversationId = (await store.createConversation(user, { title, model: MODEL })).id;
  let branchId = '';
  const ids: string[] = [];
  for (const [question, answer] of turns) {
    const added = await store.addUserMessage(user, { conversation_id: conversationId, content: question, model: MODEL });
    conversationId = added.conversation_id;
    branchId = added.branch_id;
    const saved = await store.saveAssistantMessage(user, {
      conversation_id: conversationId,
      branch_id: branchId,
      parent_id: added.message_id,
      content: answer,
      model: MODEL,
      tokens_count: 7,
    });
    ids.push(added.message_id, saved.message_id);
  }
  return { conversationId: conversationId!, branchId, ids };
}

/** The contents of a branch's thread as buildContext gives them. */
async function contents(store: ConversationStore, user: UserContext, conversationId: string, branchId?: string): Promise<string[]> {
  const context = await store.buildContext(user, { conversation_id: conversationId, branch_id: branchId, max_messages: 50 });
  return context.messages.map((m) => m.content);
}

/**
 * The behaviour of the conversation-manager Edge Function (docs/upstreams/edge-function.md) as the
 * ConversationStore port promises it. Run against the memory twin and against the real adapter
 * over HTTP, so it uses nothing but the port and assumes nothing about ids beyond being UUIDs.
 */
export function describeConversationStoreContract(label: string, setup: () => Promise<ContractFixture>): void {
  describe(`ConversationStore contract: ${label}`, () => {
    let fx: ContractFixture;
    let store: ConversationStore;
    let alice: UserContext;
    let bob: UserContext;

    beforeEach(async () => {
      fx = await setup();
      ({ store, alice, bob } = fx);
    });
    afterEach(async () => fx.close());

    describe('conversations', () => {
      it('creates a conversation with an active branch named Main', async () => {
        const conversation = await store.createConversation(alice, { title: 'Trip to Lisbon', model: MODEL });
        expect(isUuid(conversation.id)).to.equal(true);
        expect(conversation).to.include({ title: 'Trip to Lisbon', model: MODEL });
        expectTimestamp(conversation.created_at);
        expectTimestamp(conversation.updated_at);

        const branches = await store.listBranches(alice, conversation.id);
        expect(branches).to.have.length(1);
        expect(branches[0]).to.include({ name: MAIN_BRANCH_NAME, parent_message_id: null, conversation_id: conversation.id });
        expect(isUuid(branches[0]!.id)).to.equal(true);
        expectTimestamp(branches[0]!.created_at);
        expect(conversation.active_branch_id).to.equal(branches[0]!.id);
      });

      it('creates a conversation without a title', async () => {
        const conversation = await store.createConversation(alice, { model: MODEL });
        expect([null, '']).to.include(conversation.title);
        expect(conversation.model).to.equal(MODEL);
      });

      it('gets a conversation as it was created', async () => {
        const created = await store.createConversation(alice, { title: 'Tea', model: MODEL });
        const got = await store.getConversation(alice, created.id);
        expect(got).to.include({
          id: created.id,
          title: 'Tea',
          model: MODEL,
          active_branch_id: created.active_branch_id,
          created_at: created.created_at,
        });
      });

      it('updates the title and the model, and moves updated_at forward', async () => {
        const created = await store.createConversation(alice, { title: 'Old', model: MODEL });
        await pause();
        const updated = await store.updateConversation(alice, created.id, { title: 'New', model: OTHER_MODEL });
        expect(updated).to.include({ id: created.id, title: 'New', model: OTHER_MODEL, active_branch_id: created.active_branch_id });
        expect(Date.parse(updated.updated_at)).to.be.greaterThan(Date.parse(created.updated_at));
        expect(await store.getConversation(alice, created.id)).to.include({ title: 'New', model: OTHER_MODEL });

        const titleOnly = await store.updateConversation(alice, created.id, { title: 'Newer' });
        expect(titleOnly).to.include({ title: 'Newer', model: OTHER_MODEL });
      });

      it('lists conversations newest updated_at first, with pagination totals', async () => {
        const first = await store.createConversation(alice, { title: 'first', model: MODEL });
        await pause();
        const second = await store.createConversation(alice, { title: 'second', model: MODEL });
        await pause();
        const third = await store.createConversation(alice, { title: 'third', model: MODEL });
        await pause();
        // A write makes the oldest conversation the newest.
        await store.addUserMessage(alice, { conversation_id: first.id, content: 'back again' });

        const page1 = await store.listConversations(alice, { page: 1, limit: 2 });
        expect(page1).to.include({ total: 3, page: 1, limit: 2 });
        expect(page1.items.map((c) => c.id)).to.deep.equal([first.id, third.id]);
        const page2 = await store.listConversations(alice, { page: 2, limit: 2 });
        expect(page2).to.include({ total: 3, page: 2, limit: 2 });
        expect(page2.items.map((c) => c.id)).to.deep.equal([second.id]);
        expect((await store.listConversations(alice, { page: 3, limit: 2 })).items).to.deep.equal([]);

        const item = page2.items[0]!;
        expect(item).to.include({ title: 'second', model: MODEL, created_at: second.created_at });
        expectTimestamp(item.updated_at);
      });

      it('gives the full tree: the conversation, every branch and every message of every branch', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const alt = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[1]!, name: 'alt' });
        await store.activateBranch(alice, thread.conversationId, alt.id);
        const added = await store.addUserMessage(alice, { conversation_id: thread.conversationId, content: 'q2 on alt' });

        const full = await store.getConversationFull(alice, thread.conversationId);
        expect(full.conversation).to.include({ id: thread.conversationId, active_branch_id: alt.id });
        expect(full.branches.map((b) => b.id)).to.deep.equal([thread.branchId, alt.id]);
        expect(full.messages.map((m) => m.id)).to.have.members([...thread.ids, added.message_id]);
        const onAlt = full.messages.find((m) => m.id === added.message_id);
        expect(onAlt).to.include({ branch_id: alt.id, parent_id: thread.ids[1], role: 'user', content: 'q2 on alt' });
      });

      it('answers NOT_FOUND for an unknown conversation', async () => {
        const unknown = randomUUID();
        await expectAppError(store.getConversation(alice, unknown), 'NOT_FOUND');
        await expectAppError(store.getConversationFull(alice, unknown), 'NOT_FOUND');
        await expectAppError(store.updateConversation(alice, unknown, { title: 'x' }), 'NOT_FOUND');
        await expectAppError(store.listBranches(alice, unknown), 'NOT_FOUND');
        await expectAppError(store.buildContext(alice, { conversation_id: unknown, max_messages: 10 }), 'NOT_FOUND');
        await expectAppError(store.addUserMessage(alice, { conversation_id: unknown, content: 'hello' }), 'NOT_FOUND');
      });
    });

    describe('messages', () => {
      it('starts a conversation with a first user message on Main', async () => {
        const added = await store.addUserMessage(alice, { content: 'Hello there', model: OTHER_MODEL });
        expect(added.is_new_conversation).to.equal(true);
        expect(added.parent_id).to.equal(null);
        expect(isUuid(added.message_id)).to.equal(true);
        expect(isUuid(added.conversation_id)).to.equal(true);

        const conversation = await store.getConversation(alice, added.conversation_id);
        expect(conversation).to.include({ title: null, model: OTHER_MODEL, active_branch_id: added.branch_id });
        const branches = await store.listBranches(alice, added.conversation_id);
        expect(branches.map((b) => ({ id: b.id, name: b.name }))).to.deep.equal([{ id: added.branch_id, name: MAIN_BRANCH_NAME }]);

        const message = await store.getMessage(alice, added.message_id);
        expect(message).to.include({
          id: added.message_id,
          conversation_id: added.conversation_id,
          branch_id: added.branch_id,
          parent_id: null,
          role: 'user',
          content: 'Hello there',
        });
        expectTimestamp(message.created_at);
      });

      it('gives a conversation started without a model some default model', async () => {
        const added = await store.addUserMessage(alice, { content: 'Hi' });
        const conversation = await store.getConversation(alice, added.conversation_id);
        expect(conversation.model).to.be.a('string').and.not.equal('');
      });

      it('saves a reply after its user message, with its token count', async () => {
        const added = await store.addUserMessage(alice, { content: 'Hi', model: MODEL });
        const saved = await store.saveAssistantMessage(alice, {
          conversation_id: added.conversation_id,
          branch_id: added.branch_id,
          parent_id: added.message_id,
          content: 'Hello! How can I help?',
          model: MODEL,
          tokens_count: 12,
        });
        expect(isUuid(saved.message_id)).to.equal(true);
        expect(saved.tokens_count).to.equal(12);
        expect(await store.getMessage(alice, saved.message_id)).to.include({
          conversation_id: added.conversation_id,
          branch_id: added.branch_id,
          parent_id: added.message_id,
          role: 'assistant',
          content: 'Hello! How can I help?',
          model: MODEL,
          tokens_count: 12,
        });
      });

      it('saves a reply without a token count as null', async () => {
        const added = await store.addUserMessage(alice, { content: 'Hi', model: MODEL });
        const saved = await store.saveAssistantMessage(alice, {
          conversation_id: added.conversation_id,
          branch_id: added.branch_id,
          parent_id: added.message_id,
          content: 'Hello',
          model: MODEL,
        });
        expect(saved.tokens_count).to.equal(null);
        expect((await store.getMessage(alice, saved.message_id)).tokens_count).to.equal(null);
      });

      it('appends a user message after the leaf of the active branch', async () => {
        const thread = await chat(store, alice, [['q1', 'a1']]);
        const added = await store.addUserMessage(alice, { conversation_id: thread.conversationId, content: 'q2' });
        expect(added).to.include({
          conversation_id: thread.conversationId,
          branch_id: thread.branchId,
          parent_id: thread.ids[1],
          is_new_conversation: false,
        });
        expect(await store.getMessage(alice, added.message_id)).to.include({ parent_id: thread.ids[1], branch_id: thread.branchId });
      });

      it('appends on the active branch when parent_id is its leaf', async () => {
        const thread = await chat(store, alice, [['q1', 'a1']]);
        const added = await store.addUserMessage(alice, {
          conversation_id: thread.conversationId,
          parent_id: thread.ids[1]!,
          content: 'q2',
        });
        expect(added).to.include({ branch_id: thread.branchId, parent_id: thread.ids[1] });
        expect(await store.listBranches(alice, thread.conversationId)).to.have.length(1);
      });

      it('forks and activates a new branch when parent_id is not the leaf of the active branch', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const added = await store.addUserMessage(alice, {
          conversation_id: thread.conversationId,
          parent_id: thread.ids[1]!,
          content: 'q2 again',
        });
        expect(added.branch_id).to.not.equal(thread.branchId);
        expect(added).to.include({ parent_id: thread.ids[1], is_new_conversation: false });

        const branches = await store.listBranches(alice, thread.conversationId);
        expect(branches.map((b) => b.id)).to.deep.equal([thread.branchId, added.branch_id]);
        expect(branches[1]).to.include({ parent_message_id: thread.ids[1], conversation_id: thread.conversationId });
        expect((await store.getConversation(alice, thread.conversationId)).active_branch_id).to.equal(added.branch_id);
        expect(await contents(store, alice, thread.conversationId)).to.deep.equal(['q1', 'a1', 'q2 again']);
        expect(await contents(store, alice, thread.conversationId, thread.branchId)).to.deep.equal(['q1', 'a1', 'q2', 'a2']);
      });

      it('edits the content of a user message', async () => {
        const thread = await chat(store, alice, [['What is 2+2?', '4']]);
        const edited = await store.editMessage(alice, thread.ids[0]!, 'What is 3+3?');
        expect(edited).to.include({ id: thread.ids[0], role: 'user', content: 'What is 3+3?', parent_id: null });
        expect((await store.getMessage(alice, thread.ids[0]!)).content).to.equal('What is 3+3?');
        expect(await contents(store, alice, thread.conversationId)).to.deep.equal(['What is 3+3?', '4']);
      });

      it('refuses to edit an assistant message', async () => {
        const thread = await chat(store, alice, [['What is 2+2?', '4']]);
        await expectAppError(store.editMessage(alice, thread.ids[1]!, '5'), 'VALIDATION_ERROR');
        expect((await store.getMessage(alice, thread.ids[1]!)).content).to.equal('4');
      });

      it('answers NOT_FOUND for an unknown message', async () => {
        const thread = await chat(store, alice, [['q1', 'a1']]);
        const unknown = randomUUID();
        await expectAppError(store.getMessage(alice, unknown), 'NOT_FOUND');
        await expectAppError(store.editMessage(alice, unknown, 'x'), 'NOT_FOUND');
        await expectAppError(store.regenerateFork(alice, unknown, {}), 'NOT_FOUND');
        await expectAppError(store.createBranch(alice, thread.conversationId, { from_message_id: unknown }), 'NOT_FOUND');
      });
    });

    describe('titles and timestamps', () => {
      it('titles an untitled conversation from the first 50 characters of its first reply, trimmed', async () => {
        const added = await store.addUserMessage(alice, { content: 'Tell me a story', model: MODEL });
        // Character 50 is a space: the title is the first 49.
        const reply = `${'Once upon a time there was a small green dragon x'.slice(0, AUTO_TITLE_LENGTH - 1)} who loved tea and long walks.`;
        await store.saveAssistantMessage(alice, {
          conversation_id: added.conversation_id,
          branch_id: added.branch_id,
          parent_id: added.message_id,
          content: reply,
          model: MODEL,
        });
        const expected = reply.slice(0, AUTO_TITLE_LENGTH).trim();
        expect(expected).to.have.length(AUTO_TITLE_LENGTH - 1);
        expect((await store.getConversation(alice, added.conversation_id)).title).to.equal(expected);
      });

      it('titles from the first reply only', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'The first reply'],
          ['q2', 'The second reply'],
        ]);
        expect((await store.getConversation(alice, thread.conversationId)).title).to.equal('The first reply');

        // A later reply does not title a conversation whose title was cleared.
        await store.updateConversation(alice, thread.conversationId, { title: '' });
        const added = await store.addUserMessage(alice, { conversation_id: thread.conversationId, content: 'q3' });
        await store.saveAssistantMessage(alice, {
          conversation_id: thread.conversationId,
          branch_id: added.branch_id,
          parent_id: added.message_id,
          content: 'The third reply',
          model: MODEL,
        });
        expect((await store.getConversation(alice, thread.conversationId)).title).to.equal('');
      });

      it('never overwrites an existing title', async () => {
        const thread = await chat(store, alice, [['q1', 'A reply that would make a title']], 'My own title');
        expect((await store.getConversation(alice, thread.conversationId)).title).to.equal('My own title');
      });

      it('moves updated_at forward on every write', async () => {
        const added = await store.addUserMessage(alice, { content: 'q1', model: MODEL });
        const times = [(await store.getConversation(alice, added.conversation_id)).updated_at];
        const mark = async () => times.push((await store.getConversation(alice, added.conversation_id)).updated_at);
        await pause();
        await store.saveAssistantMessage(alice, {
          conversation_id: added.conversation_id,
          branch_id: added.branch_id,
          parent_id: added.message_id,
          content: 'a1',
          model: MODEL,
        });
        await mark();
        await pause();
        await store.addUserMessage(alice, { conversation_id: added.conversation_id, content: 'q2' });
        await mark();
        await pause();
        await store.editMessage(alice, added.message_id, 'q1 edited');
        await mark();
        await pause();
        await store.updateConversation(alice, added.conversation_id, { title: 'Renamed' });
        await mark();
        const parsed = times.map((t) => Date.parse(t));
        for (let i = 1; i < parsed.length; i++) expect(parsed[i], `write ${i}`).to.be.greaterThan(parsed[i - 1]!);
      });
    });

    describe('branches', () => {
      it('creates a branch from a middle message whose thread ends there, without activating it', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const alt = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[1]!, name: 'alt' });
        expect(isUuid(alt.id)).to.equal(true);
        expect(alt).to.include({ conversation_id: thread.conversationId, parent_message_id: thread.ids[1], name: 'alt' });
        expectTimestamp(alt.created_at);

        expect((await store.getConversation(alice, thread.conversationId)).active_branch_id).to.equal(thread.branchId);
        expect(await contents(store, alice, thread.conversationId, alt.id)).to.deep.equal(['q1', 'a1']);
        expect(await contents(store, alice, thread.conversationId)).to.deep.equal(['q1', 'a1', 'q2', 'a2']);
      });

      it('gives a branch a name when none is given', async () => {
        const thread = await chat(store, alice, [['q1', 'a1']]);
        const branch = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[0]! });
        expect(branch.name).to.be.a('string').and.not.equal('');
      });

      it('lists branches in creation order', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const b1 = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[2]!, name: 'one' });
        const b2 = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[0]!, name: 'two' });
        const b3 = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[3]!, name: 'three' });
        const branches = await store.listBranches(alice, thread.conversationId);
        expect(branches.map((b) => b.name)).to.deep.equal([MAIN_BRANCH_NAME, 'one', 'two', 'three']);
        expect(branches.map((b) => b.id)).to.deep.equal([thread.branchId, b1.id, b2.id, b3.id]);
      });

      it('continues a branch after activating it; activation decides the default context', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const alt = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[1]!, name: 'alt' });
        await store.activateBranch(alice, thread.conversationId, alt.id);
        expect((await store.getConversation(alice, thread.conversationId)).active_branch_id).to.equal(alt.id);

        const added = await store.addUserMessage(alice, { conversation_id: thread.conversationId, content: 'q3' });
        expect(added).to.include({ branch_id: alt.id, parent_id: thread.ids[1] });
        await store.saveAssistantMessage(alice, {
          conversation_id: thread.conversationId,
          branch_id: alt.id,
          parent_id: added.message_id,
          content: 'a3',
          model: MODEL,
        });
        expect(await contents(store, alice, thread.conversationId)).to.deep.equal(['q1', 'a1', 'q3', 'a3']);
        expect(await contents(store, alice, thread.conversationId, alt.id)).to.deep.equal(['q1', 'a1', 'q3', 'a3']);

        await store.activateBranch(alice, thread.conversationId, thread.branchId);
        expect(await contents(store, alice, thread.conversationId)).to.deep.equal(['q1', 'a1', 'q2', 'a2']);
        expect(await contents(store, alice, thread.conversationId, alt.id)).to.deep.equal(['q1', 'a1', 'q3', 'a3']);
      });

      it('branches from a message of another branch', async () => {
        const thread = await chat(store, alice, [['q1', 'a1']]);
        const alt = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[1]!, name: 'alt' });
        await store.activateBranch(alice, thread.conversationId, alt.id);
        const q2 = await store.addUserMessage(alice, { conversation_id: thread.conversationId, content: 'q2 on alt' });
        const deeper = await store.createBranch(alice, thread.conversationId, { from_message_id: q2.message_id, name: 'deeper' });
        expect(await contents(store, alice, thread.conversationId, deeper.id)).to.deep.equal(['q1', 'a1', 'q2 on alt']);
      });

      it('answers NOT_FOUND when activating an unknown branch or a branch of another conversation', async () => {
        const one = await chat(store, alice, [['q1', 'a1']]);
        const two = await chat(store, alice, [['q1', 'a1']]);
        await expectAppError(store.activateBranch(alice, one.conversationId, randomUUID()), 'NOT_FOUND');
        await expectAppError(store.activateBranch(alice, one.conversationId, two.branchId), 'NOT_FOUND');
        expect((await store.getConversation(alice, one.conversationId)).active_branch_id).to.equal(one.branchId);
        await expectAppError(
          store.buildContext(alice, { conversation_id: one.conversationId, branch_id: two.branchId, max_messages: 10 }),
          'NOT_FOUND',
        );
      });

      it('answers NOT_FOUND when branching from a message of another conversation', async () => {
        const one = await chat(store, alice, [['q1', 'a1']]);
        const two = await chat(store, alice, [['q1', 'a1']]);
        await expectAppError(store.createBranch(alice, one.conversationId, { from_message_id: two.ids[0]! }), 'NOT_FOUND');
        expect(await store.listBranches(alice, one.conversationId)).to.have.length(1);
      });
    });

    describe('regeneration', () => {
      it("forks a new branch at the reply's user message, without activating it", async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const fork = await store.regenerateFork(alice, thread.ids[3]!, { branch_name: 'retry' });
        expect(isUuid(fork.branch_id)).to.equal(true);
        expect(fork).to.include({ conversation_id: thread.conversationId, parent_message_id: thread.ids[2] });
        expect(fork.branch_id).to.not.equal(thread.branchId);

        const branches = await store.listBranches(alice, thread.conversationId);
        expect(branches.map((b) => b.id)).to.deep.equal([thread.branchId, fork.branch_id]);
        expect(branches[1]).to.include({ name: 'retry', parent_message_id: thread.ids[2] });

        // The decision this suite pins down: the old reply stays visible until the caller activates the fork.
        expect((await store.getConversation(alice, thread.conversationId)).active_branch_id).to.equal(thread.branchId);
        expect(await contents(store, alice, thread.conversationId, fork.branch_id)).to.deep.equal(['q1', 'a1', 'q2']);
      });

      it('keeps a regenerated reply on the fork, beside the old one', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const fork = await store.regenerateFork(alice, thread.ids[3]!, {});
        const saved = await store.saveAssistantMessage(alice, {
          conversation_id: thread.conversationId,
          branch_id: fork.branch_id,
          parent_id: fork.parent_message_id,
          content: 'a2, take two',
          model: MODEL,
        });
        expect(await store.getMessage(alice, saved.message_id)).to.include({ branch_id: fork.branch_id, parent_id: thread.ids[2] });
        expect(await contents(store, alice, thread.conversationId, fork.branch_id)).to.deep.equal(['q1', 'a1', 'q2', 'a2, take two']);
        expect(await contents(store, alice, thread.conversationId)).to.deep.equal(['q1', 'a1', 'q2', 'a2']);

        await store.activateBranch(alice, thread.conversationId, fork.branch_id);
        expect(await contents(store, alice, thread.conversationId)).to.deep.equal(['q1', 'a1', 'q2', 'a2, take two']);
        const full = await store.getConversationFull(alice, thread.conversationId);
        expect(full.messages.map((m) => m.content)).to.include.members(['a2', 'a2, take two']);
      });

      it('refuses to regenerate a user message', async () => {
        const thread = await chat(store, alice, [['q1', 'a1']]);
        await expectAppError(store.regenerateFork(alice, thread.ids[0]!, {}), 'VALIDATION_ERROR');
        expect(await store.listBranches(alice, thread.conversationId)).to.have.length(1);
      });
    });

    describe('context', () => {
      it('builds the active thread oldest first, with the model and the branch', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const context = await store.buildContext(alice, { conversation_id: thread.conversationId, max_messages: 50 });
        expect(context).to.deep.equal({
          messages: [
            { role: 'user', content: 'q1' },
            { role: 'assistant', content: 'a1' },
            { role: 'user', content: 'q2' },
            { role: 'assistant', content: 'a2' },
          ],
          model: MODEL,
          branch_id: thread.branchId,
        });
      });

      it('keeps the newest max_messages', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
          ['q3', 'a3'],
        ]);
        const context = await store.buildContext(alice, { conversation_id: thread.conversationId, max_messages: 4 });
        expect(context.messages.map((m) => m.content)).to.deep.equal(['q2', 'a2', 'q3', 'a3']);
        const one = await store.buildContext(alice, { conversation_id: thread.conversationId, max_messages: 1 });
        expect(one.messages).to.deep.equal([{ role: 'assistant', content: 'a3' }]);
      });

      it('ends with the new user message, ready for the model', async () => {
        const thread = await chat(store, alice, [['q1', 'a1']]);
        await store.addUserMessage(alice, { conversation_id: thread.conversationId, content: 'q2' });
        expect(await contents(store, alice, thread.conversationId)).to.deep.equal(['q1', 'a1', 'q2']);
      });

      it('is empty for a conversation without messages', async () => {
        const conversation = await store.createConversation(alice, { model: MODEL });
        const context = await store.buildContext(alice, { conversation_id: conversation.id, max_messages: 10 });
        expect(context).to.deep.equal({ messages: [], model: MODEL, branch_id: conversation.active_branch_id });
      });
    });

    describe('ownership', () => {
      it('hides every conversation, branch and message of another user as NOT_FOUND', async () => {
        const thread = await chat(store, alice, [
          ['q1', 'a1'],
          ['q2', 'a2'],
        ]);
        const alt = await store.createBranch(alice, thread.conversationId, { from_message_id: thread.ids[1]!, name: 'alt' });
        const id = thread.conversationId;

        await expectAppError(store.getConversation(bob, id), 'NOT_FOUND');
        await expectAppError(store.getConversationFull(bob, id), 'NOT_FOUND');
        await expectAppError(store.updateConversation(bob, id, { title: 'mine now' }), 'NOT_FOUND');
        await expectAppError(store.listBranches(bob, id), 'NOT_FOUND');
        await expectAppError(store.createBranch(bob, id, { from_message_id: thread.ids[1]! }), 'NOT_FOUND');
        await expectAppError(store.activateBranch(bob, id, alt.id), 'NOT_FOUND');
        await expectAppError(store.getMessage(bob, thread.ids[0]!), 'NOT_FOUND');
        await expectAppError(store.editMessage(bob, thread.ids[0]!, 'hijacked'), 'NOT_FOUND');
        await expectAppError(store.regenerateFork(bob, thread.ids[3]!, {}), 'NOT_FOUND');
        await expectAppError(store.addUserMessage(bob, { conversation_id: id, content: 'let me in' }), 'NOT_FOUND');
        await expectAppError(
          store.saveAssistantMessage(bob, {
            conversation_id: id,
            branch_id: thread.branchId,
            parent_id: thread.ids[2]!,
            content: 'x',
            model: MODEL,
          }),
          'NOT_FOUND',
        );
        await expectAppError(store.buildContext(bob, { conversation_id: id, max_messages: 10 }), 'NOT_FOUND');
        await expectAppError(store.buildContext(bob, { conversation_id: id, branch_id: alt.id, max_messages: 10 }), 'NOT_FOUND');

        // None of it changed anything of alice's.
        const full = await store.getConversationFull(alice, id);
        expect(full.conversation).to.include({ title: 'a1', active_branch_id: thread.branchId });
        expect(full.branches.map((b) => b.id)).to.deep.equal([thread.branchId, alt.id]);
        expect(full.messages.map((m) => m.content)).to.have.members(['q1', 'a1', 'q2', 'a2']);
      });

      it('does not let another user use her messages from his own conversation', async () => {
        const hers = await chat(store, alice, [['q1', 'a1']]);
        const his = await chat(store, bob, [['b1', 'b2']]);
        await expectAppError(store.createBranch(bob, his.conversationId, { from_message_id: hers.ids[1]! }), 'NOT_FOUND');
        await expectAppError(
          store.addUserMessage(bob, { conversation_id: his.conversationId, parent_id: hers.ids[1]!, content: 'graft' }),
          'NOT_FOUND',
        );
        await expectAppError(store.activateBranch(bob, his.conversationId, hers.branchId), 'NOT_FOUND');
        expect(await contents(store, bob, his.conversationId)).to.deep.equal(['b1', 'b2']);
      });

      it("lists only the caller's own conversations", async () => {
        const hers = await chat(store, alice, [['q1', 'a1']]);
        const alsoHers = await store.createConversation(alice, { title: 'second', model: MODEL });
        const his = await store.createConversation(bob, { title: 'his', model: MODEL });

        const bobs = await store.listConversations(bob, { page: 1, limit: 20 });
        expect(bobs.total).to.equal(1);
        expect(bobs.items.map((c) => c.id)).to.deep.equal([his.id]);
        const alices = await store.listConversations(alice, { page: 1, limit: 20 });
        expect(alices.total).to.equal(2);
        expect(alices.items.map((c) => c.id)).to.have.members([hers.conversationId, alsoHers.id]);
      });
    });
  });
}
