import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { rateLimitClassOf } from '../../src/interface/http/routing/route-spec';
import { expectErrorEnvelope } from '../support/envelope';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { bearer, devToken } from '../support/tokens';
import { concretePath, everyRoute, label, requestFor, spellingVariants } from './route-walk';

const LIMIT = 2;

describe('Security: one spelling per operation, and the limit of its class', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({
      config: testConfig({
        DEBUG_REQUESTS: 'true',
        ENABLE_METRICS: 'true',
        RATE_LIMIT_ANONYMOUS: '100000',
        RATE_LIMIT_READS: String(LIMIT),
        RATE_LIMIT_WRITES: String(LIMIT),
        RATE_LIMIT_CHAT: String(LIMIT),
        RATE_LIMIT_BATCH: String(LIMIT),
      }),
    });
  });
  after(() => app.close());

  it('answers every other spelling of every route (/V1, case, trailing or doubled slash) with 401 under /v1 without a token, else 404', async () => {
    let checked = 0;
    for (const spec of everyRoute()) {
      for (const variant of spellingVariants(concretePath(spec))) {
        const anonymous = await app.json(variant, requestFor(spec));
        expect(anonymous.status, `${label(spec)} as ${variant}`).to.equal(variant.startsWith('/v1/') ? 401 : 404);
        // With a token (a fresh user each time, so no limit interferes) the variant is still no operation.
        const authenticated = await app.json(variant, requestFor(spec, bearer(devToken(randomUUID()))));
        expectErrorEnvelope(authenticated, 404, 'NOT_FOUND');
        checked += 1;
      }
    }
    expect(checked).to.be.greaterThan(everyRoute().length * 2);
  });

  it('counts every operation against the limit of the class its spec names (chat, batch, reads, writes) or none when exempt', async () => {
    for (const spec of everyRoute()) {
      const klass = rateLimitClassOf(spec);
      const headers = bearer(devToken(randomUUID()));
      for (let i = 0; i < LIMIT; i += 1) {
        const res = await app.request(concretePath(spec), requestFor(spec, headers));
        await res.arrayBuffer();
        expect(res.status, `${label(spec)} #${i + 1}`).to.not.equal(429);
        expect(res.status, `${label(spec)} #${i + 1}`).to.be.below(500);
      }
      if (klass === 'exempt') {
        const res = await app.request(concretePath(spec), requestFor(spec, headers));
        await res.arrayBuffer();
        expect(res.status, label(spec)).to.not.equal(429);
      } else {
        const over = await app.json<{ error: { details?: { class?: string } } }>(concretePath(spec), requestFor(spec, headers));
        expectErrorEnvelope(over, 429, 'RATE_LIMITED');
        expect(over.body.error.details?.class, label(spec)).to.equal(klass);
      }
    }
  });

  it('classes the chat operations as chat, the batch and export ones as batch, from their specs', () => {
    const classOf = (method: string, path: string) => {
      const spec = everyRoute().find((r) => r.method === method && r.path === path);
      expect(spec, `${method} ${path}`).to.not.equal(undefined);
      return rateLimitClassOf(spec!);
    };
    expect(classOf('post', '/v1/chat/completions')).to.equal('chat');
    expect(classOf('post', '/v1/messages/{id}/regenerate')).to.equal('chat');
    expect(classOf('post', '/v1/conversations/batch')).to.equal('batch');
    expect(classOf('delete', '/v1/conversations/batch')).to.equal('batch');
    expect(classOf('post', '/v1/export/conversations')).to.equal('batch');
    expect(classOf('get', '/health')).to.equal('exempt');
  });

  it('never lets chats through /V1/chat/completions or a trailing slash, and counts them against the user', async () => {
    const headers = { ...bearer(devToken(randomUUID())), 'Content-Type': 'application/json' };
    const body = JSON.stringify({ message: 'hello', model: 'local/echo', stream: false });
    const statuses: number[] = [];
    for (const path of ['/V1/chat/completions', '/v1/chat/completions/', '/v1/Chat/Completions']) {
      statuses.push((await app.request(path, { method: 'POST', headers, body })).status);
    }
    // Unmatched requests of a known user count as writes: the third is over the limit of 2.
    expect(statuses).to.deep.equal([404, 404, 429]);
  });
});
