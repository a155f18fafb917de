import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { beginResponseLifecycle, guardedFor, onResponseEnd } from '../../../src/interface/http/response-lifecycle';
import { HANDLED } from '../../../src/interface/http/routing/route-spec';
import { startApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { bearer, devToken } from '../../support/tokens';
import { testRoute } from '../../support/test-routes';

/** Enough of a response for the lifecycle: an emitter with `closed`. */
function fakeResponse(): ServerResponse & { emitClose(): void } {
  const emitter = new EventEmitter() as unknown as ServerResponse & { emitClose(): void; closed: boolean };
  (emitter as { closed: boolean }).closed = false;
  emitter.emitClose = () => {
    (emitter as { closed: boolean }).closed = true;
    emitter.emit('close');
  };
  return emitter;
}

describe('Response lifecycle: one close listener per response, fanned out', () => {
  it('adds one close listener whatever the number of subscribers, and calls each once', () => {
    const res = fakeResponse();
    const calls: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']) onResponseEnd(res, name, () => calls.push(name));
    expect(res.listenerCount('close')).to.equal(1);
    res.emitClose();
    res.emitClose();
    expect(calls).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']);
  });

  it('reports a subscriber that throws, and still runs the others', () => {
    const res = fakeResponse();
    const reported: string[] = [];
    beginResponseLifecycle(res, (err, name) => reported.push(`${name}: ${(err as Error).message}`));
    const calls: string[] = [];
    onResponseEnd(res, 'first', () => calls.push('first'));
    onResponseEnd(res, 'broken', () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    onResponseEnd(res, 'last', () => calls.push('last'));
    expect(() => res.emitClose()).not.to.throw();
    expect(calls).to.deep.equal(['first', 'last']);
    expect(reported).to.deep.equal(['broken: Maximum call stack size exceeded']);
  });

  it('runs a late subscriber at once, and an unsubscribed one never', () => {
    const res = fakeResponse();
    let late = 0;
    let gone = 0;
    const off = onResponseEnd(res, 'gone', () => (gone += 1));
    off();
    res.emitClose();
    onResponseEnd(res, 'late', () => (late += 1));
    expect([late, gone]).to.deep.equal([1, 0]);
  });

  it('reports a failing timer callback instead of throwing', () => {
    const res = fakeResponse();
    const reported: string[] = [];
    beginResponseLifecycle(res, (_err, name) => reported.push(name));
    expect(() =>
      guardedFor(res, 'ping', () => {
        throw new Error('boom');
      }),
    ).not.to.throw();
    expect(reported).to.deep.equal(['ping']);
  });

  it('leaves a streamed response of the app with one close listener of its own (no MaxListenersExceededWarning)', async () => {
    let ours = -1;
    const route = testRoute({
      method: 'get',
      path: '/v1/test-stream-listeners',
      async handler({ koa }) {
        // Every middleware and the route's abort signal have subscribed by now.
        ours = koa.res.listenerCount('close');
        koa.type = 'application/json';
        koa.body = Readable.from(['[', Array.from({ length: 300 }, (_, i) => `{"i":${i}}`).join(','), ']']);
        return HANDLED;
      },
    });
    const app = await startApp({ config: testConfig({ DEBUG_REQUESTS: 'true' }), extraRoutes: [route] });
    try {
      const res = await app.request('/v1/test-stream-listeners', { headers: { ...bearer(devToken()), 'Accept-Encoding': 'gzip' } });
      expect(res.status).to.equal(200);
      await res.arrayBuffer();
      expect(ours).to.equal(1);
    } finally {
      await app.close();
    }
  });
});
