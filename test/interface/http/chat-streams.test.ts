import { expect } from 'chai';
import { chatSteps } from '../../fakes/fake-litellm-server';
import { scrape } from '../../support/prometheus';
import { SseClient } from '../../support/sse-client';
import { USER_A, USER_B } from '../../support/tokens';
import {
  deltasOf,
  eventuallyAsync,
  fullConversation,
  get,
  openStream,
  parseChunk,
  post,
  startChat,
  type ChatHarness,
  type Json,
} from './chat-harness';

/** The next `data:` event with its `id:` (comments skipped), or undefined at the end. */
async function nextEvent(sse: SseClient): Promise<{ id?: string; data: string } | undefined> {
  for (let item = await sse.next(); item; item = await sse.next()) if (item.kind === 'data') return item;
  return undefined;
}

const LONG = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen';

function resume(h: ChatHarness, userId: string, streamId: string, headers: Record<string, string> = {}, query = ''): Promise<SseClient> {
  const init = get(userId);
  return SseClient.open(`${h.app.url}/v1/chat/streams/${streamId}${query}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...headers },
  });
}

describe('resumable chat streams, embedded default (in-process stream log)', () => {
  let h: ChatHarness;
  beforeEach(async () => {
    h = await startChat('embedded', { LOCAL_MODEL_TOKEN_DELAY_MS: '40' });
  });
  afterEach(async () => h.close());

  it('names the stream (X-Stream-Id, first chunk) and numbers every event; a resume after Last-Event-ID gets exactly the rest', async () => {
    const sse = await openStream(h, USER_A, { message: LONG });
    const streamId = sse.response.headers.get('x-stream-id')!;
    expect(streamId).to.match(/^[0-9a-f-]{36}$/);
    const first = (await nextEvent(sse))!;
    expect(first.id).to.equal('1');
    expect(parseChunk(first.data).stream_id).to.equal(streamId);
    const second = (await nextEvent(sse))!;
    expect(second.id).to.equal('2');
    // The page reloads: the connection drops; the turn goes on (DISCONNECT_POLICY continue for the `message` form).
    sse.abort();

    const again = await resume(h, USER_A, streamId, { 'Last-Event-ID': '2' });
    expect(again.response.status).to.equal(200);
    expect(again.response.headers.get('x-stream-id')).to.equal(streamId);
    await again.readAll();
    const events = again.events;
    expect(events[events.length - 1]!.data).to.equal('[DONE]');
    const ids = events.slice(0, -1).map((e) => Number(e.id));
    expect(ids[0]).to.equal(3);
    ids.forEach((id, i) => expect(id).to.equal(3 + i));
    const final = parseChunk(events[events.length - 2]!.data);
    expect(final.choices[0].finish_reason).to.equal('stop');
    const text = [...deltasOf([first.data, second.data]), ...deltasOf(again.data)].join('');
    expect(text).to.equal(`Echo: ${LONG}`);

    const conversation = await fullConversation(h, USER_A, sse.response.headers.get('x-conversation-id')!);
    const reply = (conversation.messages as Json[]).find((m) => m.role === 'assistant')!;
    expect(reply.content).to.equal(text);
    expect(reply.id).to.equal(final.conversation.assistant_message_id);

    // After the end the whole turn is still there (retention), from the start or via the query parameter.
    const replay = await resume(h, USER_A, streamId, {}, '?last_event_id=0');
    await replay.readAll();
    expect(deltasOf(replay.data).join('')).to.equal(text);
  });

  it('lists the turns of a conversation, running then completed', async () => {
    const sse = await openStream(h, USER_A, { message: LONG });
    const streamId = sse.response.headers.get('x-stream-id')!;
    const conversationId = sse.response.headers.get('x-conversation-id')!;
    await nextEvent(sse);
    const running = await h.app.json<Json>(`/v1/chat/streams?conversation_id=${conversationId}`, get(USER_A));
    expect(running.status).to.equal(200);
    expect(running.body.data.streams).to.have.length(1);
    expect(running.body.data.streams[0]).to.include({
      stream_id: streamId,
      conversation_id: conversationId,
      status: 'running',
      ended_at: null,
    });
    await sse.readAll();
    const ended = await h.app.json<Json>(`/v1/chat/streams?conversation_id=${conversationId}`, get(USER_A));
    expect(ended.body.data.streams[0]).to.include({ stream_id: streamId, status: 'completed' });
    const elsewhere = await h.app.json<Json>(`/v1/chat/streams?conversation_id=${crypto.randomUUID()}`, get(USER_A));
    expect(elsewhere.body.data.streams).to.deep.equal([]);
    const otherUser = await h.app.json<Json>('/v1/chat/streams', get(USER_B));
    expect(otherUser.body.data.streams).to.deep.equal([]);
  });

  it('stops a turn: every listener ends with a stopped chunk then [DONE], the partial reply is saved interrupted; stopping again is a no-op', async () => {
    const sse = await openStream(h, USER_A, { message: LONG });
    const streamId = sse.response.headers.get('x-stream-id')!;
    await nextEvent(sse);
    await nextEvent(sse);
    const follower = await resume(h, USER_A, streamId);
    await nextEvent(follower);

    const asked = Date.now();
    const stop = await h.app.json<Json>(`/v1/chat/streams/${streamId}/stop`, post(USER_A, {}));
    expect(stop.status).to.equal(200);
    expect(stop.body.data).to.deep.equal({ stream_id: streamId, was_running: true, status: 'stopped' });
    await Promise.all([sse.readAll(), follower.readAll()]);
    expect(Date.now() - asked).to.be.below(1000);
    for (const client of [sse, follower]) {
      const data = client.data;
      expect(data[data.length - 1]).to.equal('[DONE]');
      const last = parseChunk(data[data.length - 2]!);
      expect(last.choices[0].finish_reason).to.equal('stop');
      expect(last.stopped).to.deep.equal({ reason: 'user' });
    }
    const streamed = deltasOf(sse.data).join('');
    expect(deltasOf(follower.data).join('')).to.equal(streamed);

    const conversationId = sse.response.headers.get('x-conversation-id')!;
    const reply = await eventuallyAsync(async () => {
      const conversation = await fullConversation(h, USER_A, conversationId);
      return (conversation.messages as Json[]).find((m) => m.role === 'assistant');
    }, 'the partial reply');
    expect(reply.content).to.equal(streamed);
    expect(h.memoryStore!.isInterrupted(reply.id)).to.equal(true);

    const again = await h.app.json<Json>(`/v1/chat/streams/${streamId}/stop`, post(USER_A, {}));
    expect(again.status).to.equal(200);
    expect(again.body.data).to.deep.equal({ stream_id: streamId, was_running: false, status: 'stopped' });
  });

  it("answers 404 for another user's stream id on every endpoint, and for an unknown one", async () => {
    const sse = await openStream(h, USER_A, { message: LONG });
    const streamId = sse.response.headers.get('x-stream-id')!;
    await nextEvent(sse);
    for (const id of [streamId, crypto.randomUUID()]) {
      const resumed = await h.app.json<Json>(`/v1/chat/streams/${id}`, get(USER_B));
      expect(resumed.status).to.equal(404);
      expect(resumed.body.error.code).to.equal('NOT_FOUND');
      const stopped = await h.app.json<Json>(`/v1/chat/streams/${id}/stop`, post(USER_B, {}));
      expect(stopped.status).to.equal(404);
    }
    const listed = await h.app.json<Json>('/v1/chat/streams', get(USER_B));
    expect(listed.body.data.streams).to.deep.equal([]);
    // The owner's turn ran on untouched.
    await sse.readAll();
    expect(parseChunk(sse.data[sse.data.length - 2]!).choices[0].finish_reason).to.equal('stop');
  });

  it('keeps a `message` turn running when its client leaves, and saves the whole reply', async () => {
    const sse = await openStream(h, USER_A, { message: LONG });
    const conversationId = sse.response.headers.get('x-conversation-id')!;
    await nextEvent(sse);
    sse.abort();
    const reply = await eventuallyAsync(async () => {
      const conversation = await fullConversation(h, USER_A, conversationId);
      return (conversation.messages as Json[]).find((m) => m.role === 'assistant');
    }, 'the reply');
    expect(reply.content).to.equal(`Echo: ${LONG}`);
    expect(h.memoryStore!.isInterrupted(reply.id)).to.equal(false);
  });

  it('aborts an OpenAI-form (`messages`) turn when its client leaves, saving what was sent', async () => {
    const sse = await openStream(h, USER_A, { model: 'local/echo', messages: [{ role: 'user', content: LONG }], stream: true });
    const conversationId = sse.response.headers.get('x-conversation-id')!;
    const streamId = sse.response.headers.get('x-stream-id')!;
    await nextEvent(sse);
    sse.abort();
    const record = await eventuallyAsync(async () => {
      const list = await h.app.json<Json>('/v1/chat/streams', get(USER_A));
      const turn = (list.body.data.streams as Json[]).find((s) => s.stream_id === streamId);
      return turn && turn.status !== 'running' ? turn : undefined;
    }, 'the turn to end');
    expect(record.status).to.equal('interrupted');
    const conversation = await fullConversation(h, USER_A, conversationId);
    const reply = (conversation.messages as Json[]).find((m) => m.role === 'assistant');
    expect(reply?.content ?? '').to.not.equal(`Echo: ${LONG}`);
  });
});

describe('a model whose whole reply arrives in one read (fake LiteLLM)', () => {
  let h: ChatHarness;
  beforeEach(async () => {
    h = await startChat('litellm');
  });
  afterEach(async () => h.close());

  it('still sends one numbered chunk per upstream chunk, and a resume from inside that read gets exactly the rest', async () => {
    const tokens = ['One', ' read', ' holds', ' the', ' whole', ' reply.'];
    // Every chunk and `[DONE]` in a single write: the gateway gets them from one read of its socket.
    const raw = chatSteps(tokens)
      .map((step) => ('chunk' in step ? `data: ${JSON.stringify(step.chunk)}\n\n` : 'data: [DONE]\n\n'))
      .join('');
    h.litellm!.reply({ kind: 'stream', steps: [{ raw }] });

    const sse = await openStream(h, USER_A, { message: 'Say it at once', model: h.model });
    expect(sse.response.status).to.equal(200);
    await sse.readAll();
    const events = sse.events;
    expect(events[events.length - 1]!.data).to.equal('[DONE]');
    expect(deltasOf(sse.data)).to.deep.equal(tokens);
    const ids = events.slice(0, -1).map((e) => Number(e.id));
    ids.forEach((id, i) => expect(id).to.equal(1 + i));
    const final = parseChunk(events[events.length - 2]!.data);
    expect(final.choices[0].finish_reason).to.equal('stop');
    expect(final.usage).to.include({ completion_tokens: tokens.length });

    const again = await resume(h, USER_A, sse.response.headers.get('x-stream-id')!, { 'Last-Event-ID': '2' });
    await again.readAll();
    expect(again.events.slice(0, -1).map((e) => Number(e.id))).to.deep.equal(ids.slice(2));
    expect(deltasOf(again.data)).to.deep.equal(tokens.slice(2));
  });
});

describe('orphaned turns (STREAM_ORPHAN_SECONDS), embedded default', () => {
  let h: ChatHarness;
  const WORDS = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
  beforeEach(async () => {
    h = await startChat('embedded', { LOCAL_MODEL_TOKEN_DELAY_MS: '100', STREAM_ORPHAN_SECONDS: '1', STREAM_HEARTBEAT_MS: '100' });
  });
  afterEach(async () => h.close());

  async function turnOf(streamId: string): Promise<Json | undefined> {
    const list = await h.app.json<Json>('/v1/chat/streams', get(USER_A));
    return (list.body.data.streams as Json[]).find((s) => s.stream_id === streamId);
  }

  it('stops a turn nobody listens to and saves its text as interrupted; the metrics count it', async () => {
    const before = await scrape(h.app);
    const sse = await openStream(h, USER_A, { message: WORDS });
    const streamId = sse.response.headers.get('x-stream-id')!;
    const conversationId = sse.response.headers.get('x-conversation-id')!;
    await nextEvent(sse);
    sse.abort();
    const ended = await eventuallyAsync(
      async () => {
        const turn = await turnOf(streamId);
        return turn && turn.status !== 'running' ? turn : undefined;
      },
      'the orphaned turn to end',
      2000,
    );
    expect(ended.status).to.equal('interrupted');
    const conversation = await fullConversation(h, USER_A, conversationId);
    const reply = (conversation.messages as Json[]).find((m) => m.role === 'assistant')!;
    expect(reply.content.length).to.be.greaterThan(0);
    expect(`Echo: ${WORDS}`.startsWith(reply.content)).to.equal(true);
    expect(reply.content).to.not.equal(`Echo: ${WORDS}`);
    expect(h.memoryStore!.isInterrupted(reply.id)).to.equal(true);
    // A resume afterwards replays the turn and its end.
    const replay = await resume(h, USER_A, streamId);
    await replay.readAll();
    expect(parseChunk(replay.data[replay.data.length - 2]!).stopped).to.deep.equal({ reason: 'orphaned' });
    const after = await scrape(h.app);
    const count = (s: Awaited<ReturnType<typeof scrape>>, event: string) => s.value('chat_stream_turn_events_total', { event });
    expect(count(after, 'orphaned') - count(before, 'orphaned')).to.equal(1);
    expect(count(after, 'resumed') - count(before, 'resumed')).to.equal(1);
  });

  it('keeps a turn someone follows through a resume running to its end', async () => {
    const sse = await openStream(h, USER_A, { message: 'a b c d e f g h i j k l m n o p q r s t' });
    const streamId = sse.response.headers.get('x-stream-id')!;
    await nextEvent(sse);
    sse.abort();
    const follower = await resume(h, USER_A, streamId);
    await follower.readAll();
    const final = parseChunk(follower.data[follower.data.length - 2]!);
    expect(final.stopped).to.equal(undefined);
    expect(final.choices[0].finish_reason).to.equal('stop');
    expect((await turnOf(streamId))?.status).to.equal('completed');
  });
});
