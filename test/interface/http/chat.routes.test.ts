import { expect } from 'chai';
import { ChatCompletionSchema, ConversationRef, RegenerateResultSchema } from '../../../src/interface/http/schemas/chat.schemas';
import { createAjv } from '../../../src/support/json-schema';
import { chunk, errorReply, FAKE_MODEL, streamReply, usageFor, type StreamStep } from '../../fakes/fake-litellm-server';
import { expectErrorEnvelope } from '../../support/envelope';
import { useRealHttp } from '../../support/real-http';
import { USER_A, USER_B } from '../../support/tokens';
import {
  deltasOf,
  fullConversation,
  gate,
  get,
  openStream,
  parseChunk,
  post,
  startChat,
  type ChatHarness,
  type Json,
} from './chat-harness';

const ajv = createAjv();
const validCompletion = ajv.compile(ChatCompletionSchema);
const validConversationRef = ajv.compile(ConversationRef);
const validRegenerated = ajv.compile(RegenerateResultSchema);

describe('chat routes over the fake LiteLLM (memory store)', () => {
  useRealHttp();
  let h: ChatHarness;
  const harnesses: ChatHarness[] = [];
  const start = async (env: Record<string, string> = {}): Promise<ChatHarness> => {
    h = await startChat('litellm', env);
    harnesses.push(h);
    return h;
  };
  const fake = () => h.litellm!;

  afterEach(async () => {
    for (const x of harnesses.splice(0)) await x.close();
  });

  describe('the SSE event sequence, read by a raw client', () => {
    const tokens = ['Tbi', 'lisi', ' is', ' lovely', ' in', ' May', '.'];
    const bodies: [string, Json][] = [
      ["the previous gateway's body", { message: 'Tell me about Tbilisi', temperature: 0.3 }],
      [
        'the OpenAI body (stream: true)',
        { model: FAKE_MODEL, messages: [{ role: 'user', content: 'Tell me about Tbilisi' }], temperature: 0.3, stream: true },
      ],
    ];
    for (const [label, body] of bodies) {
      it(`streams exactly what LiteLLM sent, then the final chunk and [DONE], with ${label}`, async () => {
        await start();
        fake().reply(streamReply(tokens, { usage: usageFor(tokens.length, 9) }));
        const sse = await openStream(h, USER_A, body);

        expect(sse.response.status).to.equal(200);
        const headers = sse.response.headers;
        expect(headers.get('content-type')).to.match(/^text\/event-stream/);
        expect(headers.get('cache-control')?.split(/,\s*/)).to.include('no-cache');
        expect(headers.get('x-accel-buffering')).to.equal('no');
        expect(headers.get('content-encoding')).to.equal(null);
        const conversationId = headers.get('x-conversation-id');
        const branchId = headers.get('x-branch-id');
        expect(conversationId).to.be.a('string');
        expect(branchId).to.be.a('string');

        const items = await sse.readAll();
        expect(items.every((i) => i.kind === 'data')).to.equal(true);
        const data = sse.data;
        // One chunk per delta, the final chunk, then [DONE] last and nothing after it.
        expect(data).to.have.length(tokens.length + 2);
        expect(data[data.length - 1]).to.equal('[DONE]');
        expect(sse.leftover).to.equal('');

        const chunks = data.slice(0, -1).map(parseChunk);
        const id = chunks[0]!.id as string;
        for (const c of chunks) {
          expect(c).to.include({ id, object: 'chat.completion.chunk', model: FAKE_MODEL });
          expect(c.created).to.be.a('number');
        }
        const first = chunks[0]!;
        expect(first.choices).to.deep.equal([{ index: 0, delta: { role: 'assistant', content: 'Tbi' }, finish_reason: null }]);
        expect(validConversationRef(first.conversation), JSON.stringify(first.conversation)).to.equal(true);
        expect(first.conversation).to.have.all.keys('conversation_id', 'branch_id', 'user_message_id');
        expect(first.conversation).to.include({ conversation_id: conversationId, branch_id: branchId });
        for (const c of chunks.slice(1, -1)) {
          expect(c.choices[0].delta).to.have.all.keys('content');
          expect(c.choices[0].finish_reason).to.equal(null);
          expect(c).not.to.have.property('conversation');
        }
        expect(deltasOf(data)).to.deep.equal(tokens);

        const final = chunks[chunks.length - 1]!;
        expect(final.choices).to.deep.equal([{ index: 0, delta: {}, finish_reason: 'stop' }]);
        expect(final.usage).to.deep.equal(usageFor(tokens.length, 9));
        expect(final.conversation).to.include({
          conversation_id: conversationId,
          branch_id: branchId,
          user_message_id: first.conversation.user_message_id,
        });
        expect(final.conversation.assistant_message_id).to.be.a('string');

        // Stored before the final chunk went out: the id the client got is the stored reply.
        const stored = await fullConversation(h, USER_A, conversationId!);
        const messages = stored.messages as Json[];
        expect(messages.map((m) => [m.id, m.role, m.content])).to.deep.equal([
          [first.conversation.user_message_id, 'user', 'Tell me about Tbilisi'],
          [final.conversation.assistant_message_id, 'assistant', tokens.join('')],
        ]);
        expect(messages[1]).to.include({ tokens_count: tokens.length, model: FAKE_MODEL, branch_id: branchId, parent_id: messages[0]!.id });
        expect(h.memoryStore!.isInterrupted(final.conversation.assistant_message_id)).to.equal(false);

        // The upstream call: the user's own key, usage asked for, the stored context.
        const sent = fake().lastRequest;
        const key = await h.users.getLlmKey({ userId: USER_A, token: 'unused' });
        expect(sent.headers.authorization).to.equal(`Bearer ${key}`);
        expect(sent.body).to.deep.include({
          model: FAKE_MODEL,
          stream: true,
          stream_options: { include_usage: true },
          temperature: 0.3,
          user: USER_A,
          messages: [{ role: 'user', content: 'Tell me about Tbilisi' }],
        });
      });
    }

    it('continues a conversation: the stored history is the context, the OpenAI history of an existing one only adds system prompts', async () => {
      await start();
      const firstTurn = await openStream(h, USER_A, {
        model: FAKE_MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Earlier question' },
          { role: 'assistant', content: 'Earlier answer' },
          { role: 'user', content: 'First' },
        ],
      });
      await firstTurn.readAll();
      // A new conversation from a stateless client: its whole history is context, only the new message is stored.
      expect((fake().lastRequest.body as Json).messages).to.deep.equal([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Earlier question' },
        { role: 'assistant', content: 'Earlier answer' },
        { role: 'user', content: 'First' },
      ]);
      const conversationId = firstTurn.response.headers.get('x-conversation-id')!;

      const next = await openStream(h, USER_A, {
        model: FAKE_MODEL,
        conversation_id: conversationId,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Ignored history' },
          { role: 'user', content: 'Second' },
        ],
      });
      await next.readAll();
      expect(next.response.headers.get('x-conversation-id')).to.equal(conversationId);
      expect((fake().lastRequest.body as Json).messages).to.deep.equal([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'First' },
        { role: 'assistant', content: 'Echo: First' },
        { role: 'user', content: 'Second' },
      ]);
      const stored = await fullConversation(h, USER_A, conversationId);
      expect((stored.messages as Json[]).map((m) => m.content)).to.deep.equal(['First', 'Echo: First', 'Second', 'Echo: Second']);
    });

    it('answers one chat.completion object with the conversation when stream is false', async () => {
      await start();
      const res = await h.app.json<Json>('/v1/chat/completions', post(USER_A, { message: 'Hello there', stream: false }));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      expect(validCompletion(res.body), JSON.stringify(validCompletion.errors)).to.equal(true);
      expect(res.body.choices[0].message).to.deep.equal({ role: 'assistant', content: 'Echo: Hello there' });
      expect(res.body).not.to.have.property('success');
      const ref = res.body.conversation;
      expect(res.headers.get('x-conversation-id')).to.equal(ref.conversation_id);
      expect(res.headers.get('x-branch-id')).to.equal(ref.branch_id);
      expect((fake().lastRequest.body as Json).stream).to.equal(false);
      const stored = await fullConversation(h, USER_A, ref.conversation_id);
      const reply = (stored.messages as Json[]).find((m) => m.id === ref.assistant_message_id)!;
      expect(reply).to.include({ content: 'Echo: Hello there', tokens_count: res.body.usage.completion_tokens });
    });
  });

  describe('failures before the first event are plain HTTP errors', () => {
    it('402 INSUFFICIENT_BALANCE with the figures, before any LLM call and before anything is stored', async () => {
      await start();
      h.users.setBudget(USER_A, { spend: 12.5, max_budget: 12.5 });
      for (const stream of [true, false]) {
        const res = await h.app.json<Json>('/v1/chat/completions', post(USER_A, { message: 'Hi', stream }));
        const error = expectErrorEnvelope(res, 402, 'INSUFFICIENT_BALANCE');
        expect(error.details).to.deep.equal({ available_balance: 0, max_budget: 12.5 });
      }
      expect(fake().requests).to.have.length(0);
      const list = await h.app.json<Json>('/v1/conversations', get(USER_A));
      expect(list.body.data.items).to.deep.equal([]);
      // Another user with a balance is served as usual.
      const other = await openStream(h, USER_B, { message: 'Hi' });
      expect(other.response.status).to.equal(200);
      await other.readAll();
      expect(deltasOf(other.data)).to.deep.equal(['Echo:', ' Hi']);
    });

    it("LiteLLM's 401 for the user's key is 502 UPSTREAM_ERROR, never 401, and never shows the key", async () => {
      await start();
      const key = await h.users.getLlmKey({ userId: USER_A, token: 'unused' });
      fake().reply(errorReply(401, `Authentication Error, Invalid proxy server token passed. Received API Key = ${key}`, 'auth_error'));
      const res = await h.app.json<Json>('/v1/chat/completions', post(USER_A, { message: 'Hi' }));
      const error = expectErrorEnvelope(res, 502, 'UPSTREAM_ERROR');
      expect(error.details).to.include({ cause: 'llm_key_rejected', status: 401 });
      expect(res.headers.get('www-authenticate')).to.equal(null);
      expect(JSON.stringify(res.body)).not.to.contain(key);
      expect(h.app.logs.text()).not.to.contain(key);
    });

    it("LiteLLM's 429 with retry-after: 7 is 429 RATE_LIMITED with Retry-After: 7", async () => {
      await start();
      fake().reply(errorReply(429, 'Rate limit reached for this key: rpm limit 3', 'rate_limit_error', { 'retry-after': '7' }));
      const res = await h.app.json<Json>('/v1/chat/completions', post(USER_A, { message: 'Hi' }));
      expectErrorEnvelope(res, 429, 'RATE_LIMITED');
      expect(res.headers.get('retry-after')).to.equal('7');
    });

    it('key_model_access_denied is 403 MODEL_NOT_ALLOWED naming the model', async () => {
      await start();
      fake().reply(
        errorReply(
          401,
          "key not allowed to access model. This key can only access models=['gpt-4o-mini']. Tried to access gpt-4o",
          'key_model_access_denied',
        ),
      );
      const res = await h.app.json<Json>('/v1/chat/completions', post(USER_A, { message: 'Hi', model: 'gpt-4o' }));
      const error = expectErrorEnvelope(res, 403, 'MODEL_NOT_ALLOWED');
      expect(error.details).to.include({ model: 'gpt-4o' });
    });

    it('no first token within LLM_FIRST_TOKEN_TIMEOUT_MS is 504 UPSTREAM_TIMEOUT, and the upstream call is closed', async () => {
      await start({ LLM_FIRST_TOKEN_TIMEOUT_MS: '150' });
      // Headers and a role-only chunk come at once; the first content never does.
      fake().reply({ kind: 'stream', steps: [{ chunk: chunk({ role: 'assistant' }) }, { hang: true }] });
      const res = await h.app.json<Json>('/v1/chat/completions', post(USER_A, { message: 'Hi' }));
      const error = expectErrorEnvelope(res, 504, 'UPSTREAM_TIMEOUT');
      expect(error.details).to.include({ timeout: 'first_token' });
      await fake().lastRequest.closed;
      expect(fake().lastRequest.clientClosedEarly).to.equal(true);
    });

    it('a failure after the first event is an error event then [DONE] (silence between chunks)', async () => {
      await start({ LLM_IDLE_TIMEOUT_MS: '150' });
      fake().reply({
        kind: 'stream',
        steps: [{ chunk: chunk({ role: 'assistant' }) }, { chunk: chunk({ content: 'Half an' }) }, { hang: true }],
      });
      const sse = await openStream(h, USER_A, { message: 'Hi' });
      expect(sse.response.status).to.equal(200);
      await sse.readAll();
      const data = sse.data;
      expect(data).to.have.length(3);
      expect(deltasOf(data)).to.deep.equal(['Half an']);
      const error = parseChunk(data[1]!);
      expect(error).to.have.all.keys('error');
      expect(error.error).to.include({ code: 'UPSTREAM_TIMEOUT', type: 'gateway_error' });
      expect(error.error.message).to.be.a('string').and.not.equal('');
      expect(error.error.request_id).to.equal(sse.response.headers.get('x-request-id'));
      expect(data[2]).to.equal('[DONE]');
      expect(sse.leftover).to.equal('');
    });
  });

  describe('regenerate', () => {
    /** One streamed exchange: its ids as the client learns them. */
    async function exchange(): Promise<{ conversationId: string; branchId: string; userMessageId: string; assistantMessageId: string }> {
      const sse = await openStream(h, USER_A, { message: 'Name a colour' });
      await sse.readAll();
      const final = parseChunk(sse.data[sse.data.length - 2]!).conversation as Json;
      return {
        conversationId: final.conversation_id,
        branchId: final.branch_id,
        userMessageId: final.user_message_id,
        assistantMessageId: final.assistant_message_id,
      };
    }

    const routes: [string, (ids: { conversationId: string; assistantMessageId: string }) => [string, Json]][] = [
      [
        'POST /v1/chat/regenerate',
        (ids) => ['/v1/chat/regenerate', { conversation_id: ids.conversationId, message_id: ids.assistantMessageId }],
      ],
      ['POST /v1/messages/{id}/regenerate', (ids) => [`/v1/messages/${ids.assistantMessageId}/regenerate`, {}]],
    ];

    for (const [label, call] of routes) {
      it(`${label} with stream: true streams a new reply on a new active branch`, async () => {
        await start();
        const ids = await exchange();
        fake().reply(streamReply(['Deep', ' blue'], { usage: usageFor(2, 20) }));
        const [path, body] = call(ids);
        const sse = await openStream(h, USER_A, { ...body, stream: true }, path);
        expect(sse.response.status).to.equal(200);
        expect(sse.response.headers.get('content-type')).to.match(/^text\/event-stream/);
        const newBranch = sse.response.headers.get('x-branch-id');
        expect(newBranch).to.be.a('string').and.not.equal(ids.branchId);
        expect(sse.response.headers.get('x-conversation-id')).to.equal(ids.conversationId);
        await sse.readAll();
        expect(sse.data[sse.data.length - 1]).to.equal('[DONE]');
        expect(deltasOf(sse.data)).to.deep.equal(['Deep', ' blue']);
        const final = parseChunk(sse.data[sse.data.length - 2]!);
        expect(final.choices[0].finish_reason).to.equal('stop');
        expect(final.conversation).to.include({
          conversation_id: ids.conversationId,
          branch_id: newBranch,
          user_message_id: ids.userMessageId,
        });

        // The model saw the thread up to the user message, not the old reply.
        expect((fake().lastRequest.body as Json).messages).to.deep.equal([{ role: 'user', content: 'Name a colour' }]);
        const stored = await fullConversation(h, USER_A, ids.conversationId);
        expect(stored.conversation.active_branch_id).to.equal(newBranch);
        expect(stored.tree.children[ids.userMessageId]).to.deep.equal([ids.assistantMessageId, final.conversation.assistant_message_id]);
        expect(stored.tree.active_thread).to.deep.equal([ids.userMessageId, final.conversation.assistant_message_id]);
        const reply = (stored.messages as Json[]).find((m) => m.id === final.conversation.assistant_message_id)!;
        expect(reply).to.include({ content: 'Deep blue', branch_id: newBranch, parent_id: ids.userMessageId, tokens_count: 2 });
      });

      it(`${label} without stream answers the new branch and message in the envelope`, async () => {
        await start();
        const ids = await exchange();
        const [path, body] = call(ids);
        const res = await h.app.json<Json>(path, post(USER_A, body));
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.success).to.equal(true);
        const data = res.body.data;
        expect(validRegenerated(data), JSON.stringify(validRegenerated.errors)).to.equal(true);
        expect(data.conversation_id).to.equal(ids.conversationId);
        expect(data.branch_id).not.to.equal(ids.branchId);
        expect(data.message).to.include({
          role: 'assistant',
          parent_id: ids.userMessageId,
          branch_id: data.branch_id,
          content: 'Echo: Name a colour',
        });
        expect(data.usage.completion_tokens).to.equal(data.message.tokens_count);
        expect(res.headers.get('x-branch-id')).to.equal(data.branch_id);
      });

      it(`${label} that the model refuses leaves the visible thread as it was`, async () => {
        await start();
        const ids = await exchange();
        const [path, body] = call(ids);
        for (const stream of [true, false]) {
          fake().reply(errorReply(429, 'Rate limit reached', 'rate_limit_error', { 'retry-after': '3' }));
          const res = await h.app.json<Json>(path, post(USER_A, { ...body, stream }));
          expectErrorEnvelope(res, 429, 'RATE_LIMITED');
        }
        const stored = await fullConversation(h, USER_A, ids.conversationId);
        expect(stored.conversation.active_branch_id).to.equal(ids.branchId);
        expect(stored.tree.active_thread).to.deep.equal([ids.userMessageId, ids.assistantMessageId]);
      });

      it(`${label} cut after some text keeps the partial reply visible on the new branch`, async () => {
        await start();
        const ids = await exchange();
        const relayed = gate();
        fake().reply({
          kind: 'stream',
          steps: [
            { chunk: chunk({ role: 'assistant' }) },
            { chunk: chunk({ content: 'Deep' }) },
            { gate: relayed.promise },
            { destroy: true },
          ],
        });
        const [path, body] = call(ids);
        const sse = await openStream(h, USER_A, { ...body, stream: true }, path);
        expect(deltasOf([(await sse.nextData())!])).to.deep.equal(['Deep']);
        relayed.open();
        await sse.readAll();
        expect(parseChunk(sse.data[1]!).error.code).to.equal('UPSTREAM_ERROR');
        const newBranch = sse.response.headers.get('x-branch-id');
        const stored = await fullConversation(h, USER_A, ids.conversationId);
        expect(stored.conversation.active_branch_id).to.equal(newBranch);
        const partial = (stored.messages as Json[]).find((m) => m.branch_id === newBranch && m.role === 'assistant')!;
        expect(partial.content).to.equal('Deep');
        expect(h.memoryStore!.isInterrupted(partial.id)).to.equal(true);
        expect(stored.tree.active_thread).to.deep.equal([ids.userMessageId, partial.id]);
      });

      it(`${label} of a user message is 422, before any LLM call`, async () => {
        await start();
        const ids = await exchange();
        const calls = fake().requests.length;
        const [path, body] = call({ conversationId: ids.conversationId, assistantMessageId: ids.userMessageId });
        for (const stream of [true, false]) {
          const res = await h.app.json<Json>(path, post(USER_A, { ...body, stream }));
          expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
        }
        expect(fake().requests).to.have.length(calls);
        const stored = await fullConversation(h, USER_A, ids.conversationId);
        expect(stored.branches).to.have.length(1);
      });
    }
  });

  describe('the per-user stream cap', () => {
    it('with MAX_STREAMS_PER_USER=1 a second concurrent stream of the same user is 429; another user is unaffected', async () => {
      await start({ MAX_STREAMS_PER_USER: '1' });
      const hold = gate();
      const steps: StreamStep[] = [
        { chunk: chunk({ role: 'assistant' }) },
        { chunk: chunk({ content: 'Still' }) },
        { gate: hold.promise },
        { chunk: chunk({ content: ' going' }) },
        { chunk: { ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
        { done: true },
      ];
      fake().reply({ kind: 'stream', steps });
      const first = await openStream(h, USER_A, { message: 'Long one' });
      expect(deltasOf([(await first.nextData())!])).to.deep.equal(['Still']);

      const second = await h.app.json<Json>('/v1/chat/completions', post(USER_A, { message: 'Another' }));
      const error = expectErrorEnvelope(second, 429, 'RATE_LIMITED');
      expect(error.details).to.include({ reason: 'too_many_streams', max_streams: 1 });
      expect(Number(second.headers.get('retry-after'))).to.be.greaterThan(0);
      expect(fake().requests).to.have.length(1);

      const bob = await openStream(h, USER_B, { message: 'Mine' });
      await bob.readAll();
      expect(deltasOf(bob.data)).to.deep.equal(['Echo:', ' Mine']);

      hold.open();
      await first.readAll();
      expect(deltasOf(first.data)).to.deep.equal(['Still', ' going']);
      expect(first.data[first.data.length - 1]).to.equal('[DONE]');

      // The slot is given back when the stream ends.
      const third = await openStream(h, USER_A, { message: 'Now' });
      expect(third.response.status).to.equal(200);
      await third.readAll();
      expect(deltasOf(third.data)).to.deep.equal(['Echo:', ' Now']);
    });
  });
});

describe('chat routes over the fake Edge Function and the fake LiteLLM', () => {
  useRealHttp();
  let h: ChatHarness;

  afterEach(async () => h.close());

  it("a new conversation without a model gets the gateway's DEFAULT_MODEL, not the Edge Function's own default", async () => {
    h = await startChat('edge+litellm', { DEFAULT_MODEL: 'gpt-4o-mini' });
    const sse = await openStream(h, USER_A, { message: 'Which model?' });
    await sse.readAll();
    expect(sse.data[sse.data.length - 1]).to.equal('[DONE]');
    expect((h.litellm!.lastRequest.body as Json).model).to.equal('gpt-4o-mini');
    const final = parseChunk(sse.data[sse.data.length - 2]!);
    expect(final.model).to.equal('gpt-4o-mini');
    const stored = await fullConversation(h, USER_A, final.conversation.conversation_id as string);
    expect(stored.conversation.model).to.equal('gpt-4o-mini');
    expect((stored.messages as Json[]).find((m) => m.role === 'assistant')).to.include({
      model: 'gpt-4o-mini',
      content: 'Echo: Which model?',
    });
  });
});
