import { expect } from 'chai';
import { startApp, type RunningApp } from '../../support/http';
import { bearer, devToken } from '../../support/tokens';
import { BOOM_ROUTE, PUBLIC_V1_PROBE } from '../../support/test-routes';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('X-Request-Id', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({ extraRoutes: [PUBLIC_V1_PROBE, BOOM_ROUTE] });
  });
  after(async () => app.close());

  it('is generated when the request sends none', async () => {
    const a = (await app.request('/health/live')).headers.get('x-request-id');
    const b = (await app.request('/health/live')).headers.get('x-request-id');
    expect(a).to.match(UUID);
    expect(b).to.match(UUID);
    expect(a).not.to.equal(b);
  });

  it('echoes a sane id', async () => {
    for (const id of ['client-req-12345', 'a1b2c3d4-0000-4000-8000-000000000000', 'trace:abc.DEF_123', 'x'.repeat(128)]) {
      const res = await app.request('/health/live', { headers: { 'X-Request-Id': id } });
      expect(res.headers.get('x-request-id'), id).to.equal(id);
    }
  });

  it('replaces an id that is not sane', async () => {
    for (const id of ['has spaces in it', 'x'.repeat(300), 'short', '<script>alert(1)</script>', 'id"with"quotes', 'ünïcødé-1234']) {
      const res = await app.request('/health/live', { headers: { 'X-Request-Id': id } });
      const got = res.headers.get('x-request-id');
      expect(got, id).to.match(UUID);
    }
  });

  it('is on error responses too, the same as in the body', async () => {
    const cases: [string, RequestInit][] = [
      ['/v1/test-probe', {}],
      ['/no-such-route', {}],
      ['/health', { method: 'DELETE' }],
      ['/v1/test-boom', { headers: bearer(devToken()) }],
    ];
    for (const [path, init] of cases) {
      const echoed = await app.json<{ error: { request_id: string } }>(path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), 'X-Request-Id': 'error-path-00001' },
      });
      expect(echoed.status, path).to.be.greaterThanOrEqual(400);
      expect(echoed.headers.get('x-request-id'), path).to.equal('error-path-00001');
      expect(echoed.body.error.request_id, path).to.equal('error-path-00001');

      const fresh = await app.json<{ error: { request_id: string } }>(path, init);
      expect(fresh.headers.get('x-request-id'), path).to.match(UUID);
      expect(fresh.body.error.request_id, path).to.equal(fresh.headers.get('x-request-id'));
    }
  });
});
