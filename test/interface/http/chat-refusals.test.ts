import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { LocalModelCatalog } from '../../../src/adapters/memory/local-model-catalog';
import { MODEL_CATALOG_SOURCE } from '../../../src/ports/model-catalog.port';
import { chunk, type StreamStep } from '../../fakes/fake-litellm-server';
import { expectErrorEnvelope } from '../../support/envelope';
import { useRealHttp } from '../../support/real-http';
import { USER_A, USER_B } from '../../support/tokens';
import {
  deltasOf,
  edgeBackingStore,
  fullConversation,
  gate,
  get,
  openStream,
  post,
  startChat,
  type ChatHarness,
  type ChatSetup,
  type Json,
} from './chat-harness';

/**
 * Every check that can refuse a chat turn runs before anything is written: after a refusal the
 * user's conversations and their messages are exactly what they were, and a retry that is served
 * stores the message once.
 */
describe('a refused chat turn stores nothing', () => {
  useRealHttp();
  let h: ChatHarness;
  afterEach(async () => h.close());

  const start = async (setup: ChatSetup, env: Record<string, string> = {}, configure?: (c: DependencyContainer) => void): Promise<void> => {
    h = await startChat(setup, env, edgeBackingStore(), configure);
  };

  /** Each of the user's conversations with its stored messages (role: content). */
  async function stored(userId: string): Promise<Record<string, string[]>> {
    const list = await h.app.json<Json>('/v1/conversations?limit=100', get(userId));
    expect(list.status, JSON.stringify(list.body)).to.equal(200);
    const out: Record<string, string[]> = {};
    for (const item of list.body.data.items as Json[]) {
      const full = await fullConversation(h, userId, item.id as string);
      out[item.id as string] = (full.messages as Json[]).map((m) => `${m.role}: ${m.content}`);
    }
    return out;
  }

  /** One served turn, so the user has a conversation of two messages. */
  async function seeded(userId: string): Promise<string> {
    const res = await h.app.json<Json>('/v1/chat/completions', post(userId, { message: 'First', stream: false }));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.conversation.conversation_id as string;
  }

  it('a model the deployment does not serve: 403 MODEL_NOT_ALLOWED, in either body, for a new or an existing conversation', async () => {
    await start('embedded');
    const conversationId = await seeded(USER_A);
    const before = await stored(USER_A);
    const refusedBodies: Json[] = [
      { conversation_id: conversationId, message: 'Again', model: 'gpt-4o' },
      { message: 'New one', model: 'gpt-4o' },
      { conversation_id: conversationId, model: 'gpt-4o', messages: [{ role: 'user', content: 'Again' }] },
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'New one' }], stream: true },
    ];
    for (const body of refusedBodies) {
      const error = expectErrorEnvelope(await h.app.json<Json>('/v1/chat/completions', post(USER_A, body)), 403, 'MODEL_NOT_ALLOWED');
      expect(error.details).to.include({ model: 'gpt-4o' });
    }
    expect(await stored(USER_A)).to.deep.equal(before);

    // The guide's advice, another model and retry, stores the message once.
    const retry = await h.app.json<Json>(
      '/v1/chat/completions',
      post(USER_A, { conversation_id: conversationId, message: 'Again', model: 'local/echo', stream: false }),
    );
    expect(retry.status).to.equal(200);
    expect((await stored(USER_A))[conversationId]).to.deep.equal([...before[conversationId]!, 'user: Again', 'assistant: Echo: Again']);
  });

  it("a model the user's key may not use: 403 MODEL_NOT_ALLOWED, though the deployment serves it", async () => {
    // The key of this deployment may use local/echo only (LiteLLM answers `/models` per key).
    class EchoOnlyKeys extends LocalModelCatalog {
      override async fetchAllowedModelIds(): Promise<string[]> {
        return ['local/echo'];
      }
    }
    await start('embedded', {}, (c) => c.registerInstance(MODEL_CATALOG_SOURCE, new EchoOnlyKeys()));
    const conversationId = await seeded(USER_A);
    const before = await stored(USER_A);
    for (const body of [
      { conversation_id: conversationId, message: 'Lorem?', model: 'local/lorem' },
      { message: 'Lorem?', model: 'local/lorem' },
    ]) {
      const error = expectErrorEnvelope(await h.app.json<Json>('/v1/chat/completions', post(USER_A, body)), 403, 'MODEL_NOT_ALLOWED');
      expect(error.details).to.include({ model: 'local/lorem' });
    }
    expect(await stored(USER_A)).to.deep.equal(before);
  });

  it('a regenerate on a model the deployment does not serve: 403, no new branch', async () => {
    await start('embedded');
    const conversationId = await seeded(USER_A);
    const full = await fullConversation(h, USER_A, conversationId);
    const reply = (full.messages as Json[]).find((m) => m.role === 'assistant')!;
    const res = await h.app.json<Json>(`/v1/messages/${reply.id}/regenerate`, post(USER_A, { model: 'gpt-4o' }));
    expectErrorEnvelope(res, 403, 'MODEL_NOT_ALLOWED');
    const branches = await h.app.json<Json>(`/v1/conversations/${conversationId}/branches`, get(USER_A));
    expect(branches.body.data.items ?? branches.body.data).to.have.length(1);
  });

  it('no balance left: 402 INSUFFICIENT_BALANCE', async () => {
    await start('embedded');
    const conversationId = await seeded(USER_A);
    const before = await stored(USER_A);
    h.users.setBudget(USER_A, { spend: 3, max_budget: 3 });
    for (const body of [{ conversation_id: conversationId, message: 'More' }, { message: 'New' }]) {
      expectErrorEnvelope(await h.app.json<Json>('/v1/chat/completions', post(USER_A, body)), 402, 'INSUFFICIENT_BALANCE');
    }
    expect(await stored(USER_A)).to.deep.equal(before);
  });

  it('every stream slot taken: 429 RATE_LIMITED (too_many_streams)', async () => {
    await start('litellm', { MAX_STREAMS_PER_USER: '1' });
    const hold = gate();
    const steps: StreamStep[] = [
      { chunk: chunk({ role: 'assistant' }) },
      { chunk: chunk({ content: 'Held' }) },
      { gate: hold.promise },
      { chunk: { ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
      { done: true },
    ];
    h.litellm!.reply({ kind: 'stream', steps });
    const open = await openStream(h, USER_A, { message: 'Holding a slot' });
    expect(deltasOf([(await open.nextData())!])).to.deep.equal(['Held']);
    const before = await stored(USER_A);
    const conversationId = Object.keys(before)[0]!;

    for (const body of [{ conversation_id: conversationId, message: 'Second' }, { message: 'Elsewhere' }]) {
      const error = expectErrorEnvelope(await h.app.json<Json>('/v1/chat/completions', post(USER_A, body)), 429, 'RATE_LIMITED');
      expect(error.details).to.include({ reason: 'too_many_streams' });
    }
    expect(await stored(USER_A)).to.deep.equal(before);
    hold.open();
    await open.readAll();
  });

  it('the chat rate limit reached: 429 RATE_LIMITED', async () => {
    await start('embedded', { RATE_LIMIT_CHAT: '1' });
    const conversationId = await seeded(USER_A);
    const before = await stored(USER_A);
    for (const body of [{ conversation_id: conversationId, message: 'More' }, { message: 'New' }]) {
      expectErrorEnvelope(await h.app.json<Json>('/v1/chat/completions', post(USER_A, body)), 429, 'RATE_LIMITED');
    }
    expect(await stored(USER_A)).to.deep.equal(before);
  });

  it('a conversation that does not exist: 404 NOT_FOUND, and no conversation is created', async () => {
    await start('embedded');
    await seeded(USER_A);
    const before = await stored(USER_A);
    for (const stream of [true, false]) {
      const body = { conversation_id: '00000000-0000-4000-8000-000000000000', message: 'Hello?', stream };
      expectErrorEnvelope(await h.app.json<Json>('/v1/chat/completions', post(USER_A, body)), 404, 'NOT_FOUND');
    }
    expect(await stored(USER_A)).to.deep.equal(before);
  });

  it("another user's conversation: 404 NOT_FOUND, and neither user's conversations change", async () => {
    await start('embedded');
    const bobs = await seeded(USER_B);
    await seeded(USER_A);
    const [alice, bob] = [await stored(USER_A), await stored(USER_B)];
    for (const stream of [true, false]) {
      const body = { conversation_id: bobs, message: 'Let me in', stream };
      expectErrorEnvelope(await h.app.json<Json>('/v1/chat/completions', post(USER_A, body)), 404, 'NOT_FOUND');
    }
    expect(await stored(USER_A)).to.deep.equal(alice);
    expect(await stored(USER_B)).to.deep.equal(bob);
  });
});
