import { expect } from 'chai';
import { SERVICE_LIFECYCLE, type ServiceLifecycle } from '../../src/application/service/service-lifecycle';
import { startApp } from '../support/http';
import { startService } from '../support/service-process';
import { bearer, devToken, USER_A } from '../support/tokens';

/** Reads SSE `data:` payloads until the stream ends; calls `onData` for each. */
async function readEvents(res: Response, onData: (data: string, index: number) => void): Promise<string[]> {
  const events: string[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let sep: number;
    while ((sep = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, sep);
      buffer = buffer.slice(sep + 2);
      for (const line of block.split('\n')) {
        if (!line.startsWith('data: ')) continue;
        events.push(line.slice(6));
        onData(line.slice(6), events.length - 1);
      }
    }
  }
  return events;
}

function chat(url: string, message: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...bearer(devToken(USER_A)), 'Content-Type': 'application/json' },
    body: JSON.stringify({ message }),
  });
}

describe('graceful shutdown', () => {
  it('turns readiness to 503 as soon as draining starts', async () => {
    const app = await startApp();
    try {
      expect((await app.request('/health/ready')).status).to.equal(200);
      app.container.resolve<ServiceLifecycle>(SERVICE_LIFECYCLE).startDraining(Date.now());
      const ready = await app.json<{ status: string; reason: string }>('/health/ready');
      expect(ready.status).to.equal(503);
      expect(ready.body).to.include({ status: 'not_ready', reason: 'shutting down' });
      expect((await app.request('/health/live')).status).to.equal(200);
    } finally {
      await app.close();
    }
  });

  it('lets a stream that finishes within the deadline complete, then exits 0', async () => {
    const child = await startService({ LOCAL_MODEL_TOKEN_DELAY_MS: '40', SHUTDOWN_DEADLINE_SECONDS: '20' });
    const res = await chat(child.url, 'one two three four five six');
    expect(res.status).to.equal(200);
    const events = await readEvents(res, (_data, index) => {
      if (index === 0) child.proc.kill('SIGTERM');
    });
    expect(events[events.length - 1]).to.equal('[DONE]');
    const final = JSON.parse(events[events.length - 2]!) as {
      choices: { finish_reason: string }[];
      conversation: { assistant_message_id?: string };
    };
    expect(final.choices[0]!.finish_reason).to.equal('stop');
    expect(final.conversation.assistant_message_id).to.be.a('string');
    expect(events.some((e) => e.includes('"error"'))).to.equal(false);
    expect(await child.exit).to.equal(0);
    // No new connection is accepted once draining started.
    const refused = await fetch(`${child.url}/health/live`).then(
      () => false,
      () => true,
    );
    expect(refused).to.equal(true);
  });

  it('ends a stream still open at the deadline with an error event and [DONE], then exits 0', async () => {
    const child = await startService({ LOCAL_MODEL_TOKEN_DELAY_MS: '200', SHUTDOWN_DEADLINE_SECONDS: '1' });
    const res = await chat(child.url, Array.from({ length: 200 }, (_, i) => `word${i}`).join(' '));
    const events = await readEvents(res, (_data, index) => {
      if (index === 0) child.proc.kill('SIGTERM');
    });
    expect(events[events.length - 1]).to.equal('[DONE]');
    const error = JSON.parse(events[events.length - 2]!) as { error?: { code: string } };
    expect(error.error?.code).to.equal('SERVICE_SHUTTING_DOWN');
    const deltas = events.filter((e) => e.includes('"delta":{') && !e.includes('"delta":{}'));
    expect(deltas.length).to.be.greaterThan(0).and.lessThan(200);
    expect(await child.exit).to.equal(0);
    const records = child.logs.map((l) => JSON.parse(l) as { msg?: string });
    expect(records.map((r) => r.msg)).to.include.members(['draining', 'shutdown deadline reached; ending open streams', 'stopped']);
  });
});
