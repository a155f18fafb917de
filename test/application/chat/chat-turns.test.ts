import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import type { MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import type { ChatEvent } from '../../../src/application/chat/chat-turn';
import { RegenerateMessage } from '../../../src/application/chat/regenerate-message.use-case';
import { SendChatMessage } from '../../../src/application/chat/send-chat-message.use-case';
import { TurnRunner } from '../../../src/application/chat/turn-runner';
import { buildContainer } from '../../../src/composition-root';
import { AppError } from '../../../src/domain/errors/app-error';
import type { UserContext } from '../../../src/domain/user/user-context';
import { CONVERSATION_STORE } from '../../../src/ports/conversation-store.port';
import {
  LLM_GATEWAY,
  type Completion,
  type CompletionRequest,
  type LlmGateway,
  type StreamEvent,
} from '../../../src/ports/llm-gateway.port';
import { eachEvent } from '../../support/async';
import { LogCollector } from '../../support/log-collector';
import { testConfig } from '../../support/test-config';

type Mode = 'answer' | 'refuse' | 'fail-mid-stream' | 'wait-after-first';

/** A model told what to do next; `onDelta` runs while the consumer holds a delta (to look at the store then). */
class DirectedGateway implements LlmGateway {
  mode: Mode = 'answer';
  readonly words = ['Second', ' answer', ' here.'];

  async *stream(_request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamEvent[]> {
    if (this.mode === 'refuse')
      throw new AppError('RATE_LIMITED', 'The model proxy is rate limiting this account', { retryAfterSeconds: 1 });
    if (this.mode === 'fail-mid-stream') {
      yield [{ type: 'delta', content: 'Half' }];
      throw new AppError('UPSTREAM_ERROR', 'The model failed while answering');
    }
    if (this.mode === 'wait-after-first') {
      yield [{ type: 'delta', content: 'Waiting' }];
      await new Promise<void>((resolve) =>
        signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      throw new AppError('UPSTREAM_UNAVAILABLE', 'The request was cancelled', { details: { cancelled: true } });
    }
    // Two words arrive together: one batch of two deltas, as one read of a socket can carry.
    yield [{ type: 'delta', content: this.words[0]! }];
    yield this.words.slice(1).map((content): StreamEvent => ({ type: 'delta', content }));
    yield [
      { type: 'finish', finish_reason: 'stop' },
      { type: 'usage', usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 } },
    ];
  }

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<Completion> {
    let content = '';
    for await (const event of eachEvent(this.stream(request, signal))) if (event.type === 'delta') content += event.content;
    return { id: 'chatcmpl-directed', model: request.model, content, finish_reason: 'stop', usage: null };
  }
}

interface Setup {
  container: DependencyContainer;
  model: DirectedGateway;
  store: MemoryConversationStore;
  user: UserContext;
  runner: TurnRunner;
  send: SendChatMessage;
  regenerate: RegenerateMessage;
}

function setup(): Setup {
  const container = buildContainer(testConfig(), { logStream: new LogCollector() });
  const model = new DirectedGateway();
  container.registerInstance(LLM_GATEWAY, model);
  return {
    container,
    model,
    store: container.resolve(CONVERSATION_STORE) as MemoryConversationStore,
    user: { userId: randomUUID(), token: 'token' },
    runner: container.resolve(TurnRunner),
    send: container.resolve(SendChatMessage),
    regenerate: container.resolve(RegenerateMessage),
  };
}

const open = () => new AbortController().signal;

async function drain(
  events: AsyncIterable<ChatEvent[]>,
  onEvent: (event: ChatEvent) => Promise<void> | void = () => undefined,
): Promise<void> {
  for await (const event of eachEvent(events)) await onEvent(event);
}

async function assistantReplies(s: Setup, conversationId: string) {
  const full = await s.store.getConversationFull(s.user, conversationId);
  return full.messages.filter((m) => m.role === 'assistant');
}

describe('the chat flow (application)', () => {
  describe('where a streamed turn commits', () => {
    it('saves nothing of the reply while it streams, and saves it whole before the final event', async () => {
      const s = setup();
      const turn = s.runner.stream(await s.send.prepare(s.user, { message: 'Hello', params: {} }), open());
      const conversationId = turn.placement.conversation_id;
      let text = '';
      await drain(turn.events, async (event) => {
        if (event.type === 'delta') {
          text += event.content;
          expect(await assistantReplies(s, conversationId), 'no reply stored mid-stream').to.deep.equal([]);
        } else {
          // The final event names a reply that is already stored, with everything that was streamed.
          const saved = await s.store.getMessage(s.user, event.assistant_message_id);
          expect(saved.content).to.equal(text);
          expect(saved.parent_id).to.equal(turn.placement.user_message_id);
          expect(s.store.isInterrupted(saved.id)).to.equal(false);
        }
      });
      expect(text).to.equal('Second answer here.');
    });

    it('stores nothing of a reply when the model refuses before its first token, and throws its error', async () => {
      const s = setup();
      s.model.mode = 'refuse';
      const turn = s.runner.stream(await s.send.prepare(s.user, { message: 'Hello', params: {} }), open());
      let error: unknown;
      await drain(turn.events).catch((err: unknown) => (error = err));
      expect((error as AppError).code).to.equal('RATE_LIMITED');
      expect(await assistantReplies(s, turn.placement.conversation_id)).to.deep.equal([]);
    });

    it('keeps what the user saw when the model fails mid-answer: the partial reply is saved, marked interrupted, then the error is thrown', async () => {
      const s = setup();
      s.model.mode = 'fail-mid-stream';
      const turn = s.runner.stream(await s.send.prepare(s.user, { message: 'Hello', params: {} }), open());
      let error: unknown;
      await drain(turn.events).catch((err: unknown) => (error = err));
      expect((error as AppError).code).to.equal('UPSTREAM_ERROR');
      const [reply] = await assistantReplies(s, turn.placement.conversation_id);
      expect(reply?.content).to.equal('Half');
      expect(s.store.isInterrupted(reply!.id)).to.equal(true);
    });

    it('ends quietly when the client goes away, after saving the partial reply as interrupted', async () => {
      const s = setup();
      s.model.mode = 'wait-after-first';
      const client = new AbortController();
      const turn = s.runner.stream(await s.send.prepare(s.user, { message: 'Hello', params: {} }), client.signal);
      await drain(turn.events, (event) => {
        if (event.type === 'delta') client.abort();
      });
      const [reply] = await assistantReplies(s, turn.placement.conversation_id);
      expect(reply?.content).to.equal('Waiting');
      expect(s.store.isInterrupted(reply!.id)).to.equal(true);
    });
  });

  describe('when a regenerated branch becomes active', () => {
    async function answeredConversation(s: Setup) {
      const first = await s.runner.complete(await s.send.prepare(s.user, { message: 'Hello', params: {} }), open());
      return {
        conversationId: first.placement.conversation_id,
        mainBranch: first.placement.branch_id,
        replyId: first.assistant_message_id,
      };
    }
    const activeBranch = async (s: Setup, conversationId: string) =>
      (await s.store.getConversation(s.user, conversationId)).active_branch_id;

    it('streamed: only once the new reply is saved, before the final event reaches the client', async () => {
      const s = setup();
      const { conversationId, mainBranch, replyId } = await answeredConversation(s);
      const turn = s.runner.stream(await s.regenerate.prepare(s.user, { message_id: replyId, params: {} }), open());
      expect(turn.placement.branch_id).to.not.equal(mainBranch);
      expect(await activeBranch(s, conversationId), 'forked, not yet shown').to.equal(mainBranch);
      await drain(turn.events, async (event) => {
        const expected = event.type === 'done' ? turn.placement.branch_id : mainBranch;
        expect(await activeBranch(s, conversationId), event.type).to.equal(expected);
      });
    });

    it('never when the model fails before its first token: the old reply stays in view', async () => {
      const s = setup();
      const { conversationId, mainBranch, replyId } = await answeredConversation(s);
      s.model.mode = 'refuse';
      const turn = s.runner.stream(await s.regenerate.prepare(s.user, { message_id: replyId, params: {} }), open());
      await drain(turn.events).catch(() => undefined);
      expect(await activeBranch(s, conversationId)).to.equal(mainBranch);
      s.model.mode = 'refuse';
      const refused = await s.regenerate.prepare(s.user, { message_id: replyId, params: {} });
      await s.runner.complete(refused, open()).catch(() => undefined);
      expect(await activeBranch(s, conversationId)).to.equal(mainBranch);
    });

    it('after a cut stream, once the partial reply the user saw is saved', async () => {
      const s = setup();
      const { conversationId, replyId } = await answeredConversation(s);
      s.model.mode = 'fail-mid-stream';
      const turn = s.runner.stream(await s.regenerate.prepare(s.user, { message_id: replyId, params: {} }), open());
      await drain(turn.events).catch(() => undefined);
      expect(await activeBranch(s, conversationId)).to.equal(turn.placement.branch_id);
      const onBranch = (await assistantReplies(s, conversationId)).filter((m) => m.branch_id === turn.placement.branch_id);
      expect(onBranch.map((m) => m.content)).to.deep.equal(['Half']);
    });

    it('at once: after the new reply is saved', async () => {
      const s = setup();
      const { conversationId, replyId } = await answeredConversation(s);
      const done = await s.runner.complete(await s.regenerate.prepare(s.user, { message_id: replyId, params: {} }), open());
      expect(await activeBranch(s, conversationId)).to.equal(done.placement.branch_id);
      expect((await s.store.getMessage(s.user, done.assistant_message_id)).branch_id).to.equal(done.placement.branch_id);
    });
  });
});
