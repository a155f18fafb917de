import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { chatSteps, type FakeReply, type StreamStep } from '../../fakes/fake-litellm-server';
import { eventually } from '../../support/async';
import { useRealHttp } from '../../support/real-http';
import { deltasOf, fullConversation, gate, get, openStream, parseChunk, startChat, type ChatHarness, type Json } from './chat-harness';

const STREAMS = 50;

describe('parallel chat streams of different users (fake LiteLLM, memory store)', () => {
  useRealHttp();
  let h: ChatHarness;

  afterEach(async () => h.close());

  it(`${STREAMS} streams at once each get exactly their own reply and their own conversation`, async () => {
    h = await startChat('litellm', { RATE_LIMIT_ANONYMOUS: '100000', RATE_LIMIT_READS: '100000', RATE_LIMIT_CHAT: '100000' });
    // Every reply echoes its user's message; each stream sends its first word, then waits until all
    // streams are open, so they are truly interleaved rather than served one after another.
    const allOpen = gate();
    h.litellm!.fallback = (body): FakeReply => {
      const text = `Echo: ${[...((body as Json).messages as Json[])].reverse().find((m) => m.role === 'user')!.content}`;
      const steps: StreamStep[] = chatSteps(text.match(/\s*\S+/g)!);
      steps.splice(2, 0, { gate: allOpen.promise });
      return { kind: 'stream', steps };
    };
    const users = Array.from({ length: STREAMS }, () => randomUUID());
    const messageOf = (userId: string, i: number) => `Private note ${i} of ${userId}`;

    const streams = await Promise.all(users.map((userId, i) => openStream(h, userId, { message: messageOf(userId, i) })));
    for (const sse of streams) expect(sse.response.status).to.equal(200);
    await eventually(() => (h.litellm!.requests.length === STREAMS ? true : undefined), 'every upstream call');
    // Each stream has relayed its first delta while all the others are open.
    for (const sse of streams) expect(deltasOf([(await sse.nextData())!])).to.deep.equal(['Echo:']);
    allOpen.open();
    await Promise.all(streams.map((sse) => sse.readAll()));

    const conversations = new Set<string>();
    for (const [i, userId] of users.entries()) {
      const sse = streams[i]!;
      const expected = `Echo: ${messageOf(userId, i)}`;
      expect(deltasOf(sse.data).join(''), `stream of user ${i}`).to.equal(expected);
      expect(sse.data[sse.data.length - 1]).to.equal('[DONE]');
      const ref = parseChunk(sse.data[sse.data.length - 2]!).conversation as Json;
      expect(ref.conversation_id).to.equal(sse.response.headers.get('x-conversation-id'));
      conversations.add(ref.conversation_id as string);

      const stored = await fullConversation(h, userId, ref.conversation_id as string);
      expect((stored.messages as Json[]).map((m) => [m.id, m.content])).to.deep.equal([
        [ref.user_message_id, messageOf(userId, i)],
        [ref.assistant_message_id, expected],
      ]);
      const list = await h.app.json<Json>('/v1/conversations', get(userId));
      expect(list.body.data.items.map((c: Json) => c.id)).to.deep.equal([ref.conversation_id]);
    }
    expect(conversations.size).to.equal(STREAMS);

    // Each upstream call was made with that user's own key, for that user, with that user's message.
    for (const [i, userId] of users.entries()) {
      const key = await h.users.getLlmKey({ userId, token: 'unused' });
      const calls = h.litellm!.requests.filter((r) => (r.body as Json).user === userId);
      expect(calls, `calls for user ${i}`).to.have.length(1);
      expect(calls[0]!.headers.authorization).to.equal(`Bearer ${key}`);
      expect(((calls[0]!.body as Json).messages as Json[]).at(-1)).to.deep.equal({ role: 'user', content: messageOf(userId, i) });
    }
  });
});
