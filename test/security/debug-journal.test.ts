import { expect } from 'chai';
import { networkInterfaces } from 'node:os';
import { isLocalCaller } from '../../src/interface/http/routes/debug.routes';
import type { RecordedRequest } from '../../src/ports/request-journal.port';
import { REQUEST_JOURNAL } from '../../src/ports/request-journal.port';
import { eventually } from '../support/async';
import { expectErrorEnvelope } from '../support/envelope';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { bearer, devToken, USER_A, USER_B } from '../support/tokens';

/** An address of this machine that is not loopback: calls to it arrive from a non-loopback peer. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  }
  return undefined;
}

function fakeKoa(remoteAddress: string, headers: Record<string, string> = {}) {
  return { req: { socket: { remoteAddress } }, get: (name: string) => headers[name] ?? '' } as never;
}

describe('Security: the development request journal (/debug/requests)', () => {
  it('counts as local only a loopback peer that no proxy relayed', () => {
    expect(isLocalCaller(fakeKoa('127.0.0.1'))).to.equal(true);
    expect(isLocalCaller(fakeKoa('::1'))).to.equal(true);
    expect(isLocalCaller(fakeKoa('::ffff:127.0.0.1'))).to.equal(true);
    expect(isLocalCaller(fakeKoa('192.0.2.10'))).to.equal(false);
    expect(isLocalCaller(fakeKoa('10.0.0.1'))).to.equal(false);
    expect(isLocalCaller(fakeKoa('127.0.0.1', { 'X-Forwarded-For': '203.0.113.7' }))).to.equal(false);
    expect(isLocalCaller(fakeKoa('127.0.0.1', { Forwarded: 'for=203.0.113.7' }))).to.equal(false);
  });

  describe('from a non-loopback address', () => {
    const host = externalAddress();
    let app: RunningApp;
    before(async function () {
      if (!host) {
        // In CI (CI=true) the machine has such an address and this test must run: fail, never skip.
        if (process.env.CI)
          throw new Error('CI is set and this machine has no non-loopback IPv4 address for the remote-caller journal test');
        // Loud, not silent: the rule is still covered by the unit test above and the proxy case below.
        console.warn('    ! this machine has no non-loopback IPv4 address: the remote-caller journal test cannot run here');
        this.skip();
      }
      app = await startApp({ host, config: testConfig({ DEBUG_REQUESTS: 'true', LOCAL_MODEL_TOKEN_DELAY_MS: '0' }) });
    });
    after(() => app?.close());

    async function recorded(requestId: string): Promise<void> {
      await eventually(
        () => (app.container.resolve(REQUEST_JOURNAL) as { find(id: string): RecordedRequest | undefined }).find(requestId),
        `request ${requestId} in the journal`,
      );
    }

    it('refuses anonymous callers and shows an authenticated one only their own requests', async () => {
      for (const [user, id] of [
        [USER_A, 'journal-remote-a'],
        [USER_B, 'journal-remote-b'],
      ] as const) {
        const res = await app.request('/v1/conversations', {
          method: 'POST',
          headers: { ...bearer(devToken(user)), 'Content-Type': 'application/json', 'X-Request-Id': id },
          body: JSON.stringify({ title: `secret of ${user}` }),
        });
        expect(res.status).to.equal(201);
        await recorded(id);
      }

      expectErrorEnvelope(await app.json('/debug/requests'), 401, 'AUTH_REQUIRED');
      expectErrorEnvelope(await app.json('/debug/requests/journal-remote-a'), 401, 'AUTH_REQUIRED');
      // Claiming to be local through a header changes nothing.
      expectErrorEnvelope(await app.json('/debug/requests', { headers: { 'X-Forwarded-For': '127.0.0.1' } }), 401, 'AUTH_REQUIRED');

      const own = await app.json<{ data: { items: RecordedRequest[] } }>('/debug/requests', { headers: bearer(devToken(USER_A)) });
      expect(own.status).to.equal(200);
      expect(own.body.data.items.length).to.be.greaterThan(0);
      expect(own.body.data.items.every((e) => e.user_id === USER_A)).to.equal(true);
      expect(JSON.stringify(own.body)).to.not.contain(`secret of ${USER_B}`);

      const theirs = await app.json('/debug/requests/journal-remote-b', { headers: bearer(devToken(USER_A)) });
      expectErrorEnvelope(theirs, 404, 'NOT_FOUND');
      const mine = await app.json<{ data: RecordedRequest }>('/debug/requests/journal-remote-a', { headers: bearer(devToken(USER_A)) });
      expect(mine.status).to.equal(200);
      expect(mine.body.data.request_id).to.equal('journal-remote-a');
    });
  });

  it('from loopback, relayed by a proxy, is treated as remote', async () => {
    const app = await startApp({ config: testConfig({ DEBUG_REQUESTS: 'true' }) });
    try {
      expectErrorEnvelope(await app.json('/debug/requests', { headers: { 'X-Forwarded-For': '203.0.113.7' } }), 401, 'AUTH_REQUIRED');
      expect((await app.json('/debug/requests')).status).to.equal(200);
    } finally {
      await app.close();
    }
  });
});
