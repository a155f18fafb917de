import { expect } from 'chai';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { chunk } from '../../fakes/fake-litellm-server';
import { rejectionOf } from '../../support/async';
import { useRealHttp } from '../../support/real-http';
import { devToken, USER_A } from '../../support/tokens';
import { fullConversation, gate, startChat, type ChatHarness, type ChatSetup, type Json } from './chat-harness';

/** `conversation_id` is not an OpenAI parameter: the SDK sends extra body fields as they are. */
type Streaming = ChatCompletionCreateParamsStreaming & { conversation_id?: string };
type NonStreaming = ChatCompletionCreateParamsNonStreaming & { conversation_id?: string };

interface StreamedTurn {
  text: string;
  /** The gateway's extra `conversation` object of the final chunk. */
  conversation: Json;
  usage: Json;
  finishReason: string | null;
}

async function streamTurn(client: OpenAI, params: Streaming): Promise<StreamedTurn> {
  const stream = await client.chat.completions.create(params);
  let text = '';
  let conversation: Json = {};
  let usage: Json = {};
  let finishReason: string | null = null;
  for await (const part of stream) {
    text += part.choices[0]?.delta?.content ?? '';
    finishReason = part.choices[0]?.finish_reason ?? finishReason;
    if (part.usage) usage = part.usage;
    const extra = (part as unknown as Json).conversation as Json | undefined;
    if (extra) conversation = extra;
  }
  return { text, conversation, usage, finishReason };
}

function sdkSuite(setup: ChatSetup): void {
  describe(`the official OpenAI SDK through the gateway (${setup})`, () => {
    useRealHttp();
    let h: ChatHarness;
    let client: OpenAI;

    beforeEach(async () => {
      h = await startChat(setup);
      client = new OpenAI({ baseURL: `${h.app.url}/v1`, apiKey: devToken(USER_A), maxRetries: 0 });
    });
    afterEach(async () => h.close());

    it('streams a reply, continues the conversation through the extra body, and both turns are stored with their usage', async () => {
      const first = await streamTurn(client, {
        model: h.model,
        messages: [{ role: 'user', content: 'Hello from the SDK' }],
        stream: true,
      });
      expect(first.text).to.equal('Echo: Hello from the SDK');
      expect(first.finishReason).to.equal('stop');
      expect(first.usage.completion_tokens).to.be.a('number').and.greaterThan(0);
      const conversationId = first.conversation.conversation_id as string;
      expect(first.conversation.assistant_message_id).to.be.a('string');

      const second = await streamTurn(client, {
        model: h.model,
        messages: [{ role: 'user', content: 'And once more' }],
        stream: true,
        conversation_id: conversationId,
      });
      expect(second.text).to.equal('Echo: And once more');
      expect(second.conversation.conversation_id).to.equal(conversationId);
      expect(second.conversation.branch_id).to.equal(first.conversation.branch_id);

      const stored = await fullConversation(h, USER_A, conversationId);
      const messages = (stored.messages as Json[]).map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content,
        tokens_count: m.tokens_count,
      }));
      expect(messages).to.deep.equal([
        { id: first.conversation.user_message_id, role: 'user', content: 'Hello from the SDK', tokens_count: null },
        {
          id: first.conversation.assistant_message_id,
          role: 'assistant',
          content: 'Echo: Hello from the SDK',
          tokens_count: first.usage.completion_tokens,
        },
        { id: second.conversation.user_message_id, role: 'user', content: 'And once more', tokens_count: null },
        {
          id: second.conversation.assistant_message_id,
          role: 'assistant',
          content: 'Echo: And once more',
          tokens_count: second.usage.completion_tokens,
        },
      ]);
    });

    it('gets a non-streamed completion, also continuing a conversation, stored with its usage', async () => {
      const params: NonStreaming = { model: h.model, messages: [{ role: 'user', content: 'Plain answer please' }], stream: false };
      const completion = await client.chat.completions.create(params);
      expect(completion.object).to.equal('chat.completion');
      expect(completion.choices[0]!.message).to.include({ role: 'assistant', content: 'Echo: Plain answer please' });
      expect(completion.usage!.completion_tokens).to.be.greaterThan(0);
      const ref = (completion as unknown as Json).conversation as Json;

      const again: NonStreaming = { ...params, messages: [{ role: 'user', content: 'Again' }], conversation_id: ref.conversation_id };
      const next = await client.chat.completions.create(again);
      const nextRef = (next as unknown as Json).conversation as Json;
      expect(nextRef.conversation_id).to.equal(ref.conversation_id);

      const stored = await fullConversation(h, USER_A, ref.conversation_id);
      const byId = new Map((stored.messages as Json[]).map((m) => [m.id, m]));
      expect(stored.messages).to.have.length(4);
      expect(byId.get(ref.assistant_message_id)).to.include({
        content: 'Echo: Plain answer please',
        tokens_count: completion.usage!.completion_tokens,
      });
      expect(byId.get(nextRef.assistant_message_id)).to.include({ content: 'Echo: Again', tokens_count: next.usage!.completion_tokens });
    });

    it('surfaces a gateway error as the SDK error with its status and code', async () => {
      h.users.setBudget(USER_A, { spend: 3, max_budget: 3 });
      const error = await rejectionOf(
        client.chat.completions.create({ model: h.model, messages: [{ role: 'user', content: 'Hi' }], stream: true }),
      );
      expect(error).to.be.instanceOf(APIError);
      expect((error as APIError).status).to.equal(402);
      expect((error as APIError).code).to.equal('INSUFFICIENT_BALANCE');
    });

    if (setup !== 'embedded') {
      it('throws while iterating when the stream fails after it started, after the deltas it did get', async () => {
        const relayed = gate();
        h.litellm!.reply({
          kind: 'stream',
          steps: [
            { chunk: chunk({ role: 'assistant' }) },
            { chunk: chunk({ content: 'Half' }) },
            { gate: relayed.promise },
            { error: { message: 'Provider failed', type: 'APIError', code: '500' } },
          ],
        });
        const stream = await client.chat.completions.create({ model: h.model, messages: [{ role: 'user', content: 'Hi' }], stream: true });
        const seen: string[] = [];
        const error = await rejectionOf(
          (async () => {
            for await (const part of stream) {
              seen.push(part.choices[0]?.delta?.content ?? '');
              relayed.open();
            }
          })(),
        );
        expect(seen).to.deep.equal(['Half']);
        expect(error).to.be.instanceOf(APIError);
        expect((error as APIError).code).to.equal('UPSTREAM_ERROR');
      });
    }
  });
}

sdkSuite('embedded');
sdkSuite('litellm');
sdkSuite('edge+litellm');
