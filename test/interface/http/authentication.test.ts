import { expect } from 'chai';
import { buildOpenApiDocument } from '../../../src/interface/openapi/build-openapi';
import { allRoutes } from '../../../src/interface/http/routes/all-routes';
import type { RouteSpec } from '../../../src/interface/http/routing/route-spec';
import { startApp, type RunningApp } from '../../support/http';
import { expectErrorEnvelope } from '../../support/envelope';
import { bearer, devToken, USER_A } from '../../support/tokens';
import { ITEM_ROUTE, PUBLIC_V1_PROBE } from '../../support/test-routes';

const SOME_ID = '44444444-4444-4444-8444-444444444444';
const MOUNTED = [PUBLIC_V1_PROBE, ITEM_ROUTE];

/** A concrete URL for a route template: every `{param}` becomes a UUID. */
function concretePath(spec: RouteSpec): string {
  return spec.path.replace(/\{[^}]+\}/g, SOME_ID);
}

function requestFor(spec: RouteSpec, headers: Record<string, string> = {}): RequestInit {
  const init: RequestInit = { method: spec.method.toUpperCase(), headers: { ...headers } };
  if (spec.body) {
    init.body = '{}';
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  return init;
}

describe('authentication of /v1', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({ extraRoutes: MOUNTED });
  });
  after(async () => app.close());

  it('demands a token on a /v1 route even when it is declared public', async () => {
    expect(PUBLIC_V1_PROBE.public).to.equal(true);
    expectErrorEnvelope(await app.json('/v1/test-probe'), 401, 'AUTH_REQUIRED');
    const res = await app.json<{ data: { user_id: string } }>('/v1/test-probe', { headers: bearer(devToken()) });
    expect(res.status).to.equal(200);
    expect(res.body.data.user_id).to.equal(USER_A);
  });

  it('never serves another spelling of a path: 401 under /v1 without a token, else 404', async () => {
    for (const path of ['/V1/test-probe', '/v1/TEST-PROBE', '/v1/test-probe/', '/v1//test-probe', '/v1/%74est-probe']) {
      const res = await app.json(path);
      expect(res.status, path).to.equal(path.startsWith('/v1/') ? 401 : 404);
      // With a token the variant is still not the route: routing is case-sensitive and strict about slashes.
      const withToken = await app.json(path, { headers: bearer(devToken()) });
      expect(withToken.status, path).to.equal(404);
    }
  });

  it('answers 401, not 404, for an unknown /v1 path without a token', async () => {
    expectErrorEnvelope(await app.json('/v1/does-not-exist'), 401, 'AUTH_REQUIRED');
    expectErrorEnvelope(await app.json('/v1'), 401, 'AUTH_REQUIRED');
  });

  it('answers 401 on every /v1 route of the service and of the mounted probes without a token', async () => {
    const v1 = [...allRoutes(), ...MOUNTED].filter((r) => r.path === '/v1' || r.path.startsWith('/v1/'));
    // The mounted probes guarantee that the loop checks something before the service has /v1 routes.
    expect(v1.length).to.be.greaterThanOrEqual(MOUNTED.length);
    for (const spec of v1) {
      const label = `${spec.method.toUpperCase()} ${spec.path}`;
      const missing = await app.json(concretePath(spec), requestFor(spec));
      expect(missing.status, label).to.equal(401);
      expectErrorEnvelope(missing, 401, 'AUTH_REQUIRED');
      const invalid = await app.json(concretePath(spec), requestFor(spec, { Authorization: 'Bearer not.a.token' }));
      expect(invalid.status, label).to.equal(401);
      expectErrorEnvelope(invalid, 401, 'AUTH_INVALID');
    }
  });

  it('documents every /v1 operation, public or not, as needing the bearer token', () => {
    const doc = buildOpenApiDocument([...allRoutes(), ...MOUNTED], { version: '0.0.0' }) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1')) continue;
      for (const [method, op] of Object.entries(operations)) {
        expect(op.security, `${method} ${path}`).to.deep.equal([{ bearerAuth: [] }]);
        checked += 1;
      }
    }
    expect(checked).to.be.greaterThanOrEqual(MOUNTED.length);
  });

  it('lets CORS preflights through without a token', async () => {
    const res = await app.request('/v1/test-probe', { method: 'OPTIONS' });
    expect(res.status).to.equal(204);
  });

  describe('the audit log', () => {
    it('records an auth failure with ip and request id, never the token', async () => {
      const token = devToken(USER_A, { audience: 'someone-else' });
      const requestId = 'audit-check-00001';
      const res = await app.json('/v1/test-probe', { headers: { ...bearer(token), 'X-Request-Id': requestId } });
      expectErrorEnvelope(res, 401, 'AUTH_INVALID');

      const audit = app.logs.records().filter((r) => r.audit === true && r.request_id === requestId);
      expect(audit, app.logs.text()).to.have.length(1);
      const line = audit[0] as Record<string, unknown>;
      expect(line).to.include({ event: 'auth_failure', code: 'AUTH_INVALID', method: 'GET', path: '/v1/test-probe' });
      expect(line.ip)
        .to.be.a('string')
        .and.match(/127\.0\.0\.1/);
      expect(line.reason).to.be.a('string');
      const text = JSON.stringify(line);
      expect(text).not.to.contain(token);
      for (const part of token.split('.')) expect(text).not.to.contain(part);
      expect(text.toLowerCase()).not.to.contain('bearer ey');
    });

    it('records a missing token too', async () => {
      const requestId = 'audit-check-00002';
      await app.json('/v1/test-probe', { headers: { 'X-Request-Id': requestId } });
      const audit = app.logs.records().filter((r) => r.audit === true && r.request_id === requestId);
      expect(audit).to.have.length(1);
      expect(audit[0]).to.include({ event: 'auth_failure', code: 'AUTH_REQUIRED' });
    });

    it('records nothing for a successful authentication', async () => {
      const requestId = 'audit-check-00003';
      expect((await app.json('/v1/test-probe', { headers: { ...bearer(devToken()), 'X-Request-Id': requestId } })).status).to.equal(200);
      expect(app.logs.records().filter((r) => r.audit === true && r.request_id === requestId)).to.have.length(0);
    });
  });
});
