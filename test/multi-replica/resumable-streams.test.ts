import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MemoryConversationStore } from '../../src/adapters/memory/memory-conversation-store';
import { CryptoIdGenerator } from '../../src/adapters/system/crypto-id-generator';
import { SystemClock } from '../../src/adapters/system/system-clock';
import { FakeEdgeFunction } from '../fakes/fake-edge-function';
import { chunk, FakeLiteLlmServer, usageFor, type StreamReply, type StreamStep } from '../fakes/fake-litellm-server';
import { startGateway, type GatewayProcess } from '../support/gateway-process';
import { useRealHttp } from '../support/real-http';
import { SseClient } from '../support/sse-client';
import { requireServer } from '../support/require-server';
import { connectTestRedis, deleteKeys, TEST_REDIS_URL, uniqueKeyPrefix } from '../support/test-redis';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const SECRET = 'multi-replica-test-secret-0123456789abcdef';
const OWNER = randomUUID();
const STRANGER = randomUUID();
const TOKENS = 24;
const SPACING_MS = 120;

function token(sub: string): string {
  return jwt.sign({ sub, role: 'authenticated', email: 'user@example.com' }, SECRET, {
    algorithm: 'HS256',
    audience: 'authenticated',
    expiresIn: 3600,
  });
}

function auth(sub: string): Record<string, string> {
  return { Authorization: `Bearer ${token(sub)}` };
}

/** A LiteLLM stream that takes its time: `t1 `, `t2 `, ... one every SPACING_MS. */
function slowReply(tokens = TOKENS): StreamReply {
  const steps: StreamStep[] = [{ chunk: chunk({ role: 'assistant' }) }];
  for (let i = 1; i <= tokens; i += 1) steps.push({ delayMs: SPACING_MS }, { chunk: chunk({ content: `t${i} ` }) });
  steps.push(
    { chunk: { ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] } },
    { chunk: { ...chunk({}), choices: [{ index: 0, delta: {} }], usage: usageFor(tokens) } },
    { done: true },
  );
  return { kind: 'stream', steps };
}

async function nextEvent(sse: SseClient): Promise<{ id?: string; data: string } | undefined> {
  for (let item = await sse.next(); item; item = await sse.next()) if (item.kind === 'data') return item;
  return undefined;
}

function textOf(data: string[]): string {
  return data
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d) as Json)
    .map((c) => c.choices?.[0]?.delta?.content ?? '')
    .join('');
}

function chat(gateway: GatewayProcess, user: string, body: Json): Promise<SseClient> {
  return SseClient.open(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...auth(user), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function resume(gateway: GatewayProcess, user: string, streamId: string, lastEventId?: string): Promise<SseClient> {
  return SseClient.open(`${gateway.url}/v1/chat/streams/${streamId}`, {
    headers: { ...auth(user), ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
  });
}

async function json(gateway: GatewayProcess, user: string, path: string, method = 'GET'): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${gateway.url}${path}`, { method, headers: auth(user) });
  return { status: res.status, body: (await res.json()) as Json };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('resumable streams across gateway processes sharing Redis (fake LiteLLM streaming slowly, fake Edge Function)', function () {
  this.timeout(60_000);
  // Runs whenever a Redis answers; with REQUIRE_REDIS=1 (CI) a missing Redis fails it, never skips it.
  requireServer('redis');
  useRealHttp();
  let redis: Redis;
  let prefix: string;
  let litellm: FakeLiteLlmServer;
  let store: MemoryConversationStore;
  let edge: FakeEdgeFunction;
  let env: Record<string, string>;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let c: GatewayProcess;
  const extra: GatewayProcess[] = [];

  /** The assistant replies stored for a conversation (the store all replicas share). */
  async function replies(conversationId: string): Promise<Json[]> {
    const full = (await store.getConversationFull({ userId: OWNER, token: '' }, conversationId)) as unknown as Json;
    return (full.messages as Json[]).filter((m) => m.role === 'assistant');
  }

  before(async () => {
    redis = await connectTestRedis();
    prefix = uniqueKeyPrefix();
    litellm = await FakeLiteLlmServer.start();
    litellm.fallback = () => slowReply();
    store = new MemoryConversationStore(new SystemClock(), new CryptoIdGenerator());
    edge = await FakeEdgeFunction.start(store, { anonKey: 'test-anon-key' });
    env = {
      LITELLM_URL: litellm.baseUrl,
      LITELLM_MASTER_KEY: 'sk-master',
      EDGE_FUNCTION_URL: edge.url,
      SUPABASE_ANON_KEY: 'test-anon-key',
      JWT_SECRET_KEY: SECRET,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      STREAM_HEARTBEAT_MS: '200',
      RATE_LIMIT_ENABLED: 'false',
    };
    [a, b, c] = await Promise.all([startGateway(env), startGateway(env), startGateway(env)]);
  });

  after(async () => {
    await Promise.all([a, b, c, ...extra].filter(Boolean).map((g) => g.stop()));
    await edge?.close();
    await litellm?.close();
    if (redis) {
      await deleteKeys(redis, `${prefix}:`);
      redis.disconnect();
    }
  });

  it('resumes on B with Last-Event-ID a turn started on A: exactly the remaining events, the text equal to the saved reply', async () => {
    const original = await chat(a, OWNER, { message: 'Count for me' });
    expect(original.response.status).to.equal(200);
    const streamId = original.response.headers.get('x-stream-id')!;
    const conversationId = original.response.headers.get('x-conversation-id')!;
    const seen = [(await nextEvent(original))!, (await nextEvent(original))!, (await nextEvent(original))!];
    expect(seen.map((e) => e.id)).to.deep.equal(['1', '2', '3']);
    original.abort();

    const resumed = await resume(b, OWNER, streamId, '3');
    expect(resumed.response.status).to.equal(200);
    await resumed.readAll();
    const events = resumed.events;
    expect(events[events.length - 1]!.data).to.equal('[DONE]');
    expect(events.slice(0, -1).map((e) => Number(e.id))).to.deep.equal(Array.from({ length: events.length - 1 }, (_, i) => 4 + i));
    const final = JSON.parse(events[events.length - 2]!.data) as Json;
    expect(final.choices[0].finish_reason).to.equal('stop');
    const text = textOf([...seen.map((e) => e.data), ...resumed.data]);
    expect(text).to.equal(Array.from({ length: TOKENS }, (_, i) => `t${i + 1} `).join(''));
    const saved = await replies(conversationId);
    expect(saved).to.have.length(1);
    expect(saved[0]!.content).to.equal(text);
    expect(saved[0]!.id).to.equal(final.conversation.assistant_message_id);
  });

  it('gives two listeners on different replicas the same events', async () => {
    const original = await chat(a, OWNER, { message: 'Count again' });
    const streamId = original.response.headers.get('x-stream-id')!;
    await nextEvent(original);
    const [onB, onC] = await Promise.all([resume(b, OWNER, streamId), resume(c, OWNER, streamId)]);
    await Promise.all([original.readAll(), onB.readAll(), onC.readAll()]);
    expect(onB.events).to.deep.equal(onC.events);
    expect(onB.events).to.deep.equal(original.events);
    expect(onB.data[onB.data.length - 1]).to.equal('[DONE]');
  });

  it('stops via B a turn produced on A: both listeners end within a second, the saved text is what was streamed', async () => {
    const original = await chat(a, OWNER, { message: 'Count and be stopped' });
    const streamId = original.response.headers.get('x-stream-id')!;
    const conversationId = original.response.headers.get('x-conversation-id')!;
    const follower = await resume(c, OWNER, streamId);
    for (let i = 0; i < 4; i += 1) await nextEvent(original);
    await nextEvent(follower);

    const asked = Date.now();
    const stop = await json(b, OWNER, `/v1/chat/streams/${streamId}/stop`, 'POST');
    expect(stop.status).to.equal(200);
    expect(stop.body.data).to.include({ stream_id: streamId, was_running: true });
    const ended: number[] = [];
    await Promise.all([original.readAll().then(() => ended.push(Date.now())), follower.readAll().then(() => ended.push(Date.now()))]);
    expect(Math.max(...ended) - asked, 'both listeners ended within a second').to.be.below(1000);
    for (const client of [original, follower]) {
      const data = client.data;
      expect(data[data.length - 1]).to.equal('[DONE]');
      const last = JSON.parse(data[data.length - 2]!) as Json;
      expect(last.choices[0].finish_reason).to.equal('stop');
      expect(last.stopped).to.deep.equal({ reason: 'user' });
    }
    const streamed = textOf(original.data);
    expect(textOf(follower.data)).to.equal(streamed);
    expect(streamed.length).to.be.greaterThan(0);
    const saved = await until(async () => {
      const list = await replies(conversationId);
      return list.length > 0 ? list : undefined;
    }, 'the partial reply');
    expect(saved).to.have.length(1);
    expect(saved[0]!.content).to.equal(streamed);
    // The upstream call was aborted, long before the model would have finished.
    expect(litellm.lastRequest.clientClosedEarly).to.equal(true);

    const again = await json(b, OWNER, `/v1/chat/streams/${streamId}/stop`, 'POST');
    expect(again.status).to.equal(200);
    expect(again.body.data).to.deep.equal({ stream_id: streamId, was_running: false, status: 'stopped' });
  });

  it('SIGKILL of the producing replica mid-turn: a resume on B gets the events produced, STREAM_INTERRUPTED, [DONE]; the partial reply is saved once', async () => {
    const doomed = await startGateway(env);
    extra.push(doomed);
    const original = await chat(doomed, OWNER, { message: 'Count until you die' });
    const streamId = original.response.headers.get('x-stream-id')!;
    const conversationId = original.response.headers.get('x-conversation-id')!;
    const before: string[] = [];
    for (let i = 0; i < 5; i += 1) before.push((await nextEvent(original))!.data);
    doomed.proc.kill('SIGKILL');
    await doomed.exit;
    // Whatever reached Redis before the kill (at least what the client saw) is what a resume replays.
    const resumed = await resume(b, OWNER, streamId);
    expect(resumed.response.status).to.equal(200);
    await resumed.readAll();
    const data = resumed.data;
    expect(data[data.length - 1]).to.equal('[DONE]');
    const error = JSON.parse(data[data.length - 2]!) as Json;
    expect(error.error.code).to.equal('STREAM_INTERRUPTED');
    const replayed = textOf(data.slice(0, -2));
    expect(replayed.startsWith(textOf(before)), `${JSON.stringify(replayed)} after ${JSON.stringify(textOf(before))}`).to.equal(true);
    expect(replayed.length).to.be.below(Array.from({ length: TOKENS }, (_, i) => `t${i + 1} `).join('').length);

    const saved = await until(async () => {
      const list = await replies(conversationId);
      return list.length > 0 ? list : undefined;
    }, 'the partial reply');
    expect(saved[0]!.content).to.equal(replayed);
    // Every replica's sweep has had time to see the lapsed turn: still exactly one save.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await replies(conversationId)).to.have.length(1);
    const list = await json(c, OWNER, `/v1/chat/streams?conversation_id=${conversationId}`);
    expect(list.body.data.streams[0]).to.include({ stream_id: streamId, status: 'interrupted' });
  });

  it('SIGTERM with a turn that cannot finish within the drain deadline: stopped and saved once; a listener on another replica gets the end', async () => {
    const draining = await startGateway({ ...env, SHUTDOWN_DEADLINE_SECONDS: '1' });
    extra.push(draining);
    // Long enough that the deadline always cuts it, however slow the machine.
    litellm.reply(slowReply(TOKENS * 4));
    const original = await chat(draining, OWNER, { message: 'Count past the deadline' });
    const streamId = original.response.headers.get('x-stream-id')!;
    const conversationId = original.response.headers.get('x-conversation-id')!;
    await nextEvent(original);
    const follower = await resume(b, OWNER, streamId);
    await nextEvent(follower);
    draining.proc.kill('SIGTERM');
    await Promise.all([original.readAll(), follower.readAll()]);
    expect(await draining.exit).to.equal(0);
    for (const client of [original, follower]) {
      const data = client.data;
      expect(data[data.length - 1]).to.equal('[DONE]');
      expect((JSON.parse(data[data.length - 2]!) as Json).error.code).to.equal('SERVICE_SHUTTING_DOWN');
    }
    const streamed = textOf(follower.data.slice(0, -2));
    expect(textOf(original.data.slice(0, -2))).to.equal(streamed);
    expect(streamed.length).to.be.below(Array.from({ length: TOKENS * 4 }, (_, i) => `t${i + 1} `).join('').length);
    const saved = await replies(conversationId);
    expect(saved).to.have.length(1);
    expect(saved[0]!.content).to.equal(streamed);
    const list = await json(b, OWNER, `/v1/chat/streams?conversation_id=${conversationId}`);
    expect(list.body.data.streams[0]).to.include({ stream_id: streamId, status: 'interrupted' });
  });

  it('still aborts an OpenAI-form turn when its client disconnects', async () => {
    const requests = litellm.requests.length;
    const original = await chat(a, OWNER, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'SDK call' }], stream: true });
    await nextEvent(original);
    await nextEvent(original);
    original.abort();
    const upstream = await until(async () => litellm.requests[requests], 'the upstream call');
    await upstream.closed;
    expect(upstream.clientClosedEarly).to.equal(true);
    expect(upstream.responseEnded).to.equal(false);
  });

  it("answers 404 for another user's stream id on every endpoint, on every replica", async () => {
    const original = await chat(a, OWNER, { message: 'Mine only' });
    const streamId = original.response.headers.get('x-stream-id')!;
    await nextEvent(original);
    for (const gateway of [a, b]) {
      expect((await json(gateway, STRANGER, `/v1/chat/streams/${streamId}`)).status).to.equal(404);
      expect((await json(gateway, STRANGER, `/v1/chat/streams/${streamId}/stop`, 'POST')).status).to.equal(404);
      expect((await json(gateway, STRANGER, '/v1/chat/streams')).body.data.streams).to.deep.equal([]);
    }
    await original.readAll();
    expect(JSON.parse(original.data[original.data.length - 2]!).choices[0].finish_reason).to.equal('stop');
  });

  it('Redis down: a replica still streams; resume, list and stop answer 503 UPSTREAM_UNAVAILABLE at once', async () => {
    const lonely = await startGateway({ ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    extra.push(lonely);
    const original = await chat(lonely, OWNER, { message: 'No Redis here' });
    expect(original.response.status).to.equal(200);
    const streamId = original.response.headers.get('x-stream-id')!;
    await original.readAll();
    expect(original.data[original.data.length - 1]).to.equal('[DONE]');
    expect(textOf(original.data)).to.equal(Array.from({ length: TOKENS }, (_, i) => `t${i + 1} `).join(''));
    for (const [path, method] of [
      [`/v1/chat/streams/${streamId}`, 'GET'],
      ['/v1/chat/streams', 'GET'],
      [`/v1/chat/streams/${streamId}/stop`, 'POST'],
    ] as const) {
      const res = await json(lonely, OWNER, path, method);
      expect(res.status, path).to.equal(503);
      expect(res.body.error.code).to.equal('UPSTREAM_UNAVAILABLE');
    }
  });
});
