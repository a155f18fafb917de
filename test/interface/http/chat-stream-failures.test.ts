import { expect } from 'chai';
import http from 'node:http';
import { chatSteps, chunk, type StreamStep } from '../../fakes/fake-litellm-server';
import { eventually } from '../../support/async';
import { useRealHttp } from '../../support/real-http';
import { bearer, devToken, USER_A } from '../../support/tokens';
import {
  deltasOf,
  eventuallyAsync,
  fullConversation,
  gate,
  openStream,
  parseChunk,
  startChat,
  type ChatHarness,
  type Json,
} from './chat-harness';

const role: StreamStep = { chunk: chunk({ role: 'assistant' }) };
const delta = (content: string): StreamStep => ({ chunk: chunk({ content }) });

describe('chat streams that do not end well (fake LiteLLM, memory store)', () => {
  useRealHttp();
  let h: ChatHarness;

  afterEach(async () => h.close());

  /** The stored messages of the only conversation of USER_A. */
  async function storedMessages(conversationId: string): Promise<Json[]> {
    return (await fullConversation(h, USER_A, conversationId)).messages as Json[];
  }

  it('client abort mid-stream (DISCONNECT_POLICY=abort): the upstream call is closed and exactly the relayed deltas are stored, marked interrupted', async () => {
    h = await startChat('litellm', { MAX_STREAMS_PER_USER: '1', DISCONNECT_POLICY: 'abort' });
    // Three deltas, then the model goes quiet (it would go on much later): the client leaves in between.
    h.litellm!.reply({
      kind: 'stream',
      steps: [role, delta('One'), delta(' two'), delta(' three'), { delayMs: 60_000 }, delta(' four'), ...chatSteps([]).slice(1)],
    });
    const sse = await openStream(h, USER_A, { message: 'Count slowly' });
    const conversationId = sse.response.headers.get('x-conversation-id')!;
    const received: string[] = [];
    for (let i = 0; i < 3; i += 1) received.push(...deltasOf([(await sse.nextData())!]));
    expect(received).to.deep.equal(['One', ' two', ' three']);
    sse.abort();

    const upstream = h.litellm!.lastRequest;
    await upstream.closed;
    expect(upstream.clientClosedEarly).to.equal(true);
    expect(upstream.responseEnded).to.equal(false);

    // The save runs after the abort: wait for it, then check it holds exactly what the client was sent.
    const messages = await eventuallyAsync(async () => {
      const m = await storedMessages(conversationId);
      return m.length === 2 ? m : undefined;
    }, 'the partial reply to be saved');
    const reply = messages[1]!;
    expect(reply).to.include({ role: 'assistant', content: 'One two three', tokens_count: null, parent_id: messages[0]!.id });
    expect(h.memoryStore!.isInterrupted(reply.id)).to.equal(true);
    expect(h.memoryStore!.isInterrupted(messages[0]!.id)).to.equal(false);
    // Also marked in the log, the only mark when the store is the Edge Function (which keeps no flag).
    const marks = h.app.logs.records().filter((r) => r.event === 'assistant_message_saved_partial');
    expect(marks.map((r) => [r.message_id, r.conversation_id, r.chars])).to.deep.equal([
      [reply.id, conversationId, 'One two three'.length],
    ]);

    // The stream slot was given back (MAX_STREAMS_PER_USER=1): the next stream is served.
    const next = await openStream(h, USER_A, { message: 'Again', conversation_id: conversationId });
    expect(next.response.status).to.equal(200);
    await next.readAll();
    expect(deltasOf(next.data)).to.deep.equal(['Echo:', ' Again']);
  });

  it('client gone before the first event (DISCONNECT_POLICY=abort): the upstream call is closed, nothing but the user message is stored, the slot is free', async () => {
    h = await startChat('litellm', { MAX_STREAMS_PER_USER: '1', DISCONNECT_POLICY: 'abort' });
    h.litellm!.reply({ kind: 'stream', steps: [role, { hang: true }] });
    // No event, so no response headers yet: a plain request the test can only hang up.
    const req = http.request(new URL('/v1/chat/completions', h.app.url), {
      method: 'POST',
      agent: false,
      headers: { ...bearer(devToken(USER_A)), 'Content-Type': 'application/json' },
    });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ message: 'Never mind' }));
    const upstream = await eventually(() => h.litellm!.requests[0], 'the upstream call');
    req.destroy();
    await upstream.closed;
    expect(upstream.clientClosedEarly).to.equal(true);

    // The slot comes back once the gateway has wound the turn up; then the next stream is served.
    const next = await eventuallyAsync(async () => {
      const sse = await openStream(h, USER_A, { message: 'Second try' });
      if (sse.response.status === 200) return sse;
      expect(sse.response.status).to.equal(429);
      await sse.response.body?.cancel();
      return undefined;
    }, 'the stream slot to be released');
    await next.readAll();
    expect(deltasOf(next.data)).to.deep.equal(['Echo:', ' Second', ' try']);
    const list = await h.app.json<Json>('/v1/conversations', { headers: bearer(devToken(USER_A)) });
    const abandoned = (list.body.data.items as Json[]).find((c) => c.id !== next.response.headers.get('x-conversation-id'))!;
    const messages = await storedMessages(abandoned.id as string);
    expect(messages.map((m) => [m.role, m.content])).to.deep.equal([['user', 'Never mind']]);
  });

  /** What goes wrong once two deltas went out (the fake waits until the client has them). */
  const midStreamFailures: [string, StreamStep[]][] = [
    ['an error object from LiteLLM', [{ error: { message: 'Provider overloaded', type: 'APIError', code: '500' } }]],
    ['a dropped upstream connection', [{ destroy: true }]],
    ['a stream that ends without [DONE]', chatSteps([], { done: false }).slice(1)],
  ];
  for (const [label, failure] of midStreamFailures) {
    it(`${label} mid-stream: an error event then [DONE], and the partial reply saved as interrupted`, async () => {
      h = await startChat('litellm');
      const relayed = gate();
      h.litellm!.reply({ kind: 'stream', steps: [role, delta('Par'), delta('tial'), { gate: relayed.promise }, ...failure] });
      const sse = await openStream(h, USER_A, { message: 'Go' });
      expect(sse.response.status).to.equal(200);
      expect(deltasOf([(await sse.nextData())!, (await sse.nextData())!])).to.deep.equal(['Par', 'tial']);
      relayed.open();
      await sse.readAll();
      const data = sse.data;
      expect(data).to.have.length(4);
      expect(deltasOf(data.slice(0, 2))).to.deep.equal(['Par', 'tial']);
      const error = parseChunk(data[2]!);
      expect(error).to.have.all.keys('error');
      expect(error.error).to.include({
        code: 'UPSTREAM_ERROR',
        type: 'gateway_error',
        request_id: sse.response.headers.get('x-request-id'),
      });
      expect(error.error.message).to.be.a('string').and.not.equal('');
      expect(data[3]).to.equal('[DONE]');
      expect(sse.leftover).to.equal('');

      // Saved before the error event went out: no waiting needed.
      const messages = await storedMessages(sse.response.headers.get('x-conversation-id')!);
      expect(messages.map((m) => [m.role, m.content])).to.deep.equal([
        ['user', 'Go'],
        ['assistant', 'Partial'],
      ]);
      expect(h.memoryStore!.isInterrupted(messages[1]!.id)).to.equal(true);
    });
  }

  it('sends `: ping` while the model is silent, before the first delta', async () => {
    // The first-token deadline is far beyond the ping interval: without pings it would end the call with a 504 first.
    h = await startChat('litellm', { SSE_PING_INTERVAL_MS: '20', LLM_FIRST_TOKEN_TIMEOUT_MS: '5000' });
    const firstToken = gate();
    h.litellm!.reply({ kind: 'stream', steps: [role, { gate: firstToken.promise }, ...chatSteps(['Finally', ' here']).slice(1)] });
    const sse = await openStream(h, USER_A, { message: 'Think first' });
    // The ping committed the stream: the headers are those of a stream although no delta exists yet.
    expect(sse.response.status).to.equal(200);
    expect(sse.response.headers.get('content-type')).to.match(/^text\/event-stream/);
    expect(sse.response.headers.get('x-conversation-id')).to.be.a('string');
    // Nothing else can arrive before the gate opens, so the first item must be a ping.
    expect(await sse.next()).to.deep.equal({ kind: 'comment', text: 'ping' });
    firstToken.open();
    await sse.readAll();
    const firstData = sse.items.findIndex((i) => i.kind === 'data');
    expect(firstData).to.be.greaterThan(0);
    expect(deltasOf(sse.data)).to.deep.equal(['Finally', ' here']);
    expect(sse.data[sse.data.length - 1]).to.equal('[DONE]');
  });

  it('a client that stops reading pauses the upstream (backpressure) instead of buffering; resumed, it gets every delta', async () => {
    h = await startChat('litellm');
    // About 18 MB, twice what the sockets between the fake, the gateway and the client hold here
    // (~8 MB), in writes below the socket's high-water mark and a little apart: a gateway that keeps
    // reading never makes the fake wait for `drain` (checked by hand with a reading client), so a
    // wait means the gateway stopped pulling from LiteLLM because its client stopped reading.
    const count = 1500;
    const token = 'x'.repeat(12_000);
    h.litellm!.reply({ kind: 'fast', tokens: count, token, tokenSpacingMs: 1 });

    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(new URL('/v1/chat/completions', h.app.url), {
        method: 'POST',
        agent: false,
        headers: { ...bearer(devToken(USER_A)), 'Content-Type': 'application/json' },
      });
      req.once('response', resolve).once('error', reject);
      req.end(JSON.stringify({ message: 'Flood me' }));
    });
    // Not reading: the response stays paused, so its socket stops being read.
    res.pause();
    expect(res.statusCode).to.equal(200);

    const upstream = await eventually(() => h.litellm!.requests[0], 'the upstream call');
    // Either the fake gets stuck waiting for drain, or (gateway buffering everything) it finishes.
    await eventually(
      () => (upstream.drainWaits > 0 || upstream.responseEnded ? true : undefined),
      'the fake LiteLLM to stall or finish',
      3000,
    );
    expect(upstream.drainWaits, 'writes of the fake that waited for drain').to.be.greaterThan(0);
    expect(upstream.responseEnded).to.equal(false);

    let text = '';
    res.setEncoding('utf8');
    res.on('data', (part: string) => (text += part));
    res.resume();
    await new Promise<void>((resolve) => res.once('end', resolve));
    const events = text.split('\n\n').filter(Boolean);
    expect(events[events.length - 1]).to.equal('data: [DONE]');
    const deltas = deltasOf(events.map((e) => e.replace(/^id: \d+\n/, '').replace(/^data: /, '')));
    expect(deltas).to.have.length(count);
    expect(deltas.every((d) => d === token)).to.equal(true);
    expect(upstream.responseEnded).to.equal(true);
  });
});
