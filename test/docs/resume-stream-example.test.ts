import { expect } from 'chai';
import type { ConversationFull } from '../../clients/typescript';
import { createGateway, fixedSession, GatewayError, type Gateway } from '../../docs/examples/gateway-api';
import { followChat, resumeAfterReload, stopChat } from '../../docs/examples/resume-stream';
import { rejectionOf } from '../support/async';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { devToken } from '../support/tokens';

const LONG = 'one two three four five six seven eight nine ten eleven twelve';

/** A gateway whose chat response is cut after `events` events, as a network switch would. */
function droppingGateway(inner: Gateway, events: number): Gateway & { drops: number } {
  const wrapped = {
    drops: 0,
    call: inner.call.bind(inner),
    async fetch(path: string, init?: RequestInit): Promise<Response> {
      const response = await inner.fetch(path, init);
      if (path !== '/v1/chat/completions' || !response.body) return response;
      const reader = response.body.getReader();
      let seen = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await reader.read();
          if (done) return controller.close();
          controller.enqueue(value);
          seen += new TextDecoder().decode(value).split('\n\n').length - 1;
          if (seen >= events) {
            wrapped.drops += 1;
            await reader.cancel();
            controller.error(new TypeError('network error'));
          }
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    },
  };
  return wrapped;
}

describe('docs/examples/resume-stream.ts against the running gateway (embedded default)', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({ config: testConfig({ LOCAL_MODEL_TOKEN_DELAY_MS: '30' }) });
  });
  after(async () => app.close());

  const user = (n: number) => `5e000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;

  it('followChat resumes after a dropped connection with the last event id: the text is the stored reply', async () => {
    const gateway = droppingGateway(createGateway(app.url, fixedSession(devToken(user(1)))), 3);
    const deltas: string[] = [];
    const reply = await followChat(gateway, { message: LONG }, { onDelta: (t) => deltas.push(t) });
    expect(gateway.drops).to.equal(1);
    expect(reply.content).to.equal(`Echo: ${LONG}`);
    expect(deltas.join('')).to.equal(reply.content);
    expect(reply.stopped).to.equal(false);
    expect(reply.finishReason).to.equal('stop');
    const stored = await gateway.call<ConversationFull>('GET', `/v1/conversations/${reply.conversationId}/full`);
    expect(stored.messages.map((m) => m.content)).to.deep.equal([LONG, reply.content]);
  });

  it('the Stop button ends the turn; the reply so far is stored', async () => {
    const gateway = createGateway(app.url, fixedSession(devToken(user(2))));
    let conversationId = '';
    let streamId = '';
    let stop: Promise<unknown> | undefined;
    const reply = await followChat(
      gateway,
      { message: LONG },
      {
        onConversation: (c) => (conversationId = c.conversation_id),
        onDelta: () => {
          stop ??= stopChat(gateway, streamId);
        },
      },
      { onStream: (id) => (streamId = id) },
    );
    expect(await stop).to.deep.include({ was_running: true });
    expect(reply.stopped).to.equal(true);
    expect(reply.finishReason).to.equal('stop');
    const full = await gateway.call<ConversationFull>('GET', `/v1/conversations/${conversationId}/full`);
    expect(full.messages.map((m) => m.content)).to.deep.equal([LONG, reply.content]);
  });

  it('resumeAfterReload follows the reply still being written, from its start; nothing when none runs', async () => {
    const gateway = createGateway(app.url, fixedSession(devToken(user(3))));
    const first = await gateway.fetch('/v1/chat/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: LONG }),
    });
    const conversationId = first.headers.get('X-Conversation-Id')!;
    // The page reloads: the old request is gone, the turn goes on.
    await first.body!.cancel();
    const reply = await resumeAfterReload(gateway, conversationId);
    expect(reply?.content).to.equal(`Echo: ${LONG}`);
    expect(await resumeAfterReload(gateway, conversationId)).to.equal(undefined);
    // Another user's conversation shows no turn to resume.
    const stranger = createGateway(app.url, fixedSession(devToken(user(4))));
    expect(await resumeAfterReload(stranger, conversationId)).to.equal(undefined);
    const error = await rejectionOf(stopChat(stranger, reply!.streamId));
    expect(error).to.be.instanceOf(GatewayError);
    expect((error as GatewayError).code).to.equal('NOT_FOUND');
  });
});
