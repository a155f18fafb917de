import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { LLM_GATEWAY } from '../../../src/ports/llm-gateway.port';
import { HANG_AFTER_FIRST, ScriptedLlmGateway } from '../../fakes/scripted-llm-gateway';
import { expectErrorEnvelope } from '../../support/envelope';
import { startApp, type RunningApp } from '../../support/http';
import { useRealHttp } from '../../support/real-http';
import { testConfig } from '../../support/test-config';
import { bearer, devToken } from '../../support/tokens';

function chat(app: RunningApp, user: string, message: string, signal?: AbortSignal): Promise<Response> {
  return app.request('/v1/chat/completions', {
    method: 'POST',
    headers: { ...bearer(devToken(user)), 'Content-Type': 'application/json' },
    body: JSON.stringify({ message }),
    signal,
  });
}

describe('The cap on streams one user may have open (MAX_STREAMS_PER_USER)', () => {
  useRealHttp();
  let app: RunningApp;

  before(async () => {
    app = await startApp({
      // A disconnect ends the turn here (DISCONNECT_POLICY=abort), so the slot frees when the client leaves.
      config: testConfig({ MAX_STREAMS_PER_USER: '1', DISCONNECT_POLICY: 'abort' }),
      configure: (c) => c.registerInstance(LLM_GATEWAY, new ScriptedLlmGateway()),
    });
  });
  after(() => app.close());

  it('refuses one stream more with 429 before anything is stored, leaves other users alone, and frees the slot when the stream ends', async () => {
    const [user, other] = [randomUUID(), randomUUID()];
    const client = new AbortController();
    const open = await chat(app, user, HANG_AFTER_FIRST, client.signal);
    expect(open.status).to.equal(200);
    const reader = open.body!.getReader();
    await reader.read();

    const refused = await app.json<{ error: { details: Record<string, unknown> } }>('/v1/chat/completions', {
      method: 'POST',
      headers: { ...bearer(devToken(user)), 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: 'a second stream' }),
    });
    const error = expectErrorEnvelope(refused, 429, 'RATE_LIMITED');
    expect(error.details).to.include({ reason: 'too_many_streams', max_streams: 1 });
    expect(Number(refused.headers.get('retry-after'))).to.be.greaterThan(0);
    const conversations = await app.json<{ data: { items: unknown[] } }>('/v1/conversations', { headers: bearer(devToken(user)) });
    expect(conversations.body.data.items, 'only the open stream created a conversation').to.have.length(1);

    const elsewhere = await chat(app, other, 'hello');
    expect(elsewhere.status).to.equal(200);
    expect(await elsewhere.text()).to.contain('[DONE]');

    client.abort();
    await reader.cancel().catch(() => undefined);
    let again: Response | undefined;
    for (let i = 0; i < 100 && again?.status !== 200; i += 1) {
      await again?.body?.cancel();
      again = await chat(app, user, 'after the first ended');
      if (again.status !== 200) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(again?.status).to.equal(200);
    expect(await again!.text()).to.contain('[DONE]');
  });
});
