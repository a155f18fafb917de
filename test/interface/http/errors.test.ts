import { expect } from 'chai';
import { FakeJwksServer, makeSigningKey } from '../../fakes/fake-jwks-server';
import jwt from 'jsonwebtoken';
import { startApp, type RunningApp } from '../../support/http';
import { expectErrorEnvelope } from '../../support/envelope';
import { testConfig } from '../../support/test-config';
import { bearer, devToken, USER_A } from '../../support/tokens';
import { BOOM_ROUTE, ITEM_ROUTE, PUBLIC_V1_PROBE, RETRY_AFTER_ROUTE, UNAVAILABLE_ROUTE } from '../../support/test-routes';

const ITEM_ID = '33333333-3333-4333-8333-333333333333';
const ROUTES = [PUBLIC_V1_PROBE, ITEM_ROUTE, BOOM_ROUTE, RETRY_AFTER_ROUTE, UNAVAILABLE_ROUTE];

const VALID_ITEM = { title: 'Groceries', count: 2, kind: 'task', tags: ['food'], done: false };

function jsonPost(body: string, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { ...bearer(devToken()), 'Content-Type': 'application/json', ...headers }, body };
}

describe('HTTP errors: the envelope for every error the skeleton produces', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({ extraRoutes: ROUTES });
  });
  after(async () => app.close());

  describe('401', () => {
    it('AUTH_REQUIRED without a token, with WWW-Authenticate', async () => {
      const res = await app.json('/v1/test-probe');
      expectErrorEnvelope(res, 401, 'AUTH_REQUIRED');
      expect(res.headers.get('www-authenticate')).to.equal('Bearer');
    });

    it('AUTH_INVALID for a bad token or a header that is not Bearer', async () => {
      const bad = [
        'Bearer not-a-jwt',
        `Bearer ${devToken(USER_A, {}, {})}x`,
        'Basic dXNlcjpwYXNz',
        'Bearer',
        `Bearer ${devToken(USER_A, { audience: 'anon' })}`,
      ];
      for (const authorization of bad) {
        const res = await app.json('/v1/test-probe', { headers: { Authorization: authorization } });
        expectErrorEnvelope(res, 401, 'AUTH_INVALID');
        expect(res.headers.get('www-authenticate'), authorization).to.equal('Bearer');
      }
    });

    it('AUTH_EXPIRED for an expired token', async () => {
      const res = await app.json('/v1/test-probe', { headers: bearer(devToken(USER_A, { expiresIn: -120 })) });
      expectErrorEnvelope(res, 401, 'AUTH_EXPIRED');
      expect(res.headers.get('www-authenticate')).to.equal('Bearer');
    });

    it('lets a valid token through', async () => {
      const res = await app.json<{ success: boolean; data: { user_id: string } }>('/v1/test-probe', { headers: bearer(devToken()) });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ success: true, data: { user_id: USER_A } });
      expect(res.headers.get('www-authenticate')).to.equal(null);
    });
  });

  describe('404 and 405', () => {
    it('NOT_FOUND for an unknown route', async () => {
      expectErrorEnvelope(await app.json('/no-such-route'), 404, 'NOT_FOUND');
      expectErrorEnvelope(await app.json('/v1/no-such-route', { headers: bearer(devToken()) }), 404, 'NOT_FOUND');
    });

    it('METHOD_NOT_ALLOWED with Allow for a known path and another method', async () => {
      const res = await app.json('/health', { method: 'DELETE' });
      const error = expectErrorEnvelope(res, 405, 'METHOD_NOT_ALLOWED');
      const allow = (res.headers.get('allow') ?? '').split(/,\s*/);
      expect(allow).to.include.members(['GET', 'OPTIONS']);
      expect(allow).not.to.include('DELETE');
      expect(error.details).to.have.property('allow');

      const v1 = await app.json('/v1/test-probe', { method: 'PATCH', headers: bearer(devToken()) });
      expectErrorEnvelope(v1, 405, 'METHOD_NOT_ALLOWED');
      expect(v1.headers.get('allow')).to.contain('GET');
    });

    it('answers OPTIONS on a known path with the allowed methods', async () => {
      const res = await app.request('/health', { method: 'OPTIONS' });
      expect(res.status).to.equal(204);
      expect(res.headers.get('allow')).to.contain('GET');
    });
  });

  describe('bodies', () => {
    const url = `/v1/test-items/${ITEM_ID}`;

    it('accepts a valid body, path and query', async () => {
      const res = await app.json<{ data: Record<string, unknown> }>(`${url}?limit=5`, jsonPost(JSON.stringify(VALID_ITEM)));
      expect(res.status).to.equal(201);
      expect(res.body.data).to.deep.equal({ params: { id: ITEM_ID }, query: { limit: 5 }, body: VALID_ITEM, user_id: USER_A });
    });

    it('INVALID_JSON (400) for a body that is not JSON', async () => {
      for (const body of ['{"title": ', '{title: "x"}', '"just a string"', '42']) {
        expectErrorEnvelope(await app.json(url, jsonPost(body)), 400, 'INVALID_JSON');
      }
    });

    it('PAYLOAD_TOO_LARGE (413) for a body over BODY_LIMIT_BYTES', async () => {
      const small = await startApp({ config: testConfig({ BODY_LIMIT_BYTES: '256', LOG_LEVEL: 'info' }), extraRoutes: ROUTES });
      try {
        const fits = JSON.stringify(VALID_ITEM);
        expect((await small.json(url, jsonPost(fits))).status).to.equal(201);
        const big = JSON.stringify({ ...VALID_ITEM, title: 'x'.repeat(1000) });
        expectErrorEnvelope(await small.json(url, jsonPost(big)), 413, 'PAYLOAD_TOO_LARGE');
      } finally {
        await small.close();
      }
    });

    it('UNSUPPORTED_MEDIA_TYPE (415) for a body that is not application/json', async () => {
      const res = await app.json(url, jsonPost('title=x', { 'Content-Type': 'application/x-www-form-urlencoded' }));
      const error = expectErrorEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(error.details).to.deep.equal({ received: 'application/x-www-form-urlencoded' });
      expectErrorEnvelope(
        await app.json(url, jsonPost(JSON.stringify(VALID_ITEM), { 'Content-Type': 'text/plain' })),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('VALIDATION_ERROR (422) listing every bad field of path, query and body', async () => {
      const body = { title: '', count: 11, kind: 'idea', tags: ['far-too-long', 7], extra: true };
      const res = await app.json('/v1/test-items/not-a-uuid?limit=many', jsonPost(JSON.stringify(body)));
      const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
      const fields = (error.details as { fields: { path: string; message: string; location: string }[] }).fields;
      for (const f of fields) expect(f.message, f.path).to.be.a('string').and.not.equal('');
      expect(fields.map((f) => `${f.location}:${f.path}`)).to.have.members([
        'path:id',
        'query:limit',
        'body:title',
        'body:count',
        'body:kind',
        'body:tags.0',
        'body:tags.1',
        'body:extra',
        'body:done',
      ]);
      expect(fields.find((f) => f.path === 'extra')?.message).to.equal('is not allowed');
      expect(fields.find((f) => f.path === 'done')?.message).to.equal('is required');
    });

    it('VALIDATION_ERROR for a missing body where one is required', async () => {
      const res = await app.json(url, { method: 'POST', headers: bearer(devToken()) });
      const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
      const paths = (error.details as { fields: { path: string }[] }).fields.map((f) => f.path);
      expect(paths).to.have.members(['title', 'count', 'kind', 'done']);
    });
  });

  describe('5xx and Retry-After', () => {
    it('INTERNAL_ERROR (500) for a plain Error: request id only in the body, the error in the log', async () => {
      const res = await app.json('/v1/test-boom', { headers: { ...bearer(devToken()), 'X-Request-Id': 'boom-request-0001' } });
      const error = expectErrorEnvelope(res, 500, 'INTERNAL_ERROR');
      expect(error).to.deep.equal({ message: 'An unexpected error occurred', code: 'INTERNAL_ERROR', request_id: 'boom-request-0001' });
      const text = JSON.stringify(res.body);
      expect(text).not.to.contain('db-internal');
      expect(text).not.to.contain('stack');
      expect(text).not.to.match(/\bat .*\.js/);

      const logged = app.logs.records().find((r) => r.msg === 'unhandled error' && r.request_id === 'boom-request-0001');
      expect(logged, app.logs.text()).to.not.equal(undefined);
      const err = logged?.err as { message: string; stack: string };
      expect(err.message).to.contain('db-internal.example:5432');
      expect(err.stack).to.be.a('string').and.contain('Error');
    });

    it('sets Retry-After from an AppError', async () => {
      const limited = await app.json('/v1/test-slow-down', { headers: bearer(devToken()) });
      expectErrorEnvelope(limited, 429, 'RATE_LIMITED');
      expect(limited.headers.get('retry-after')).to.equal('7');

      const unavailable = await app.json('/v1/test-unavailable', { headers: bearer(devToken()) });
      expectErrorEnvelope(unavailable, 503, 'UPSTREAM_UNAVAILABLE');
      expect(unavailable.headers.get('retry-after')).to.equal('3');
    });

    it('has no Retry-After when the error gives none', async () => {
      const res = await app.json('/v1/test-boom', { headers: bearer(devToken()) });
      expect(res.headers.get('retry-after')).to.equal(null);
    });

    it('answers 503 UPSTREAM_UNAVAILABLE, not 401, when the signing keys cannot be fetched', async () => {
      const jwks = await FakeJwksServer.start();
      jwks.failWithStatus = 502;
      const key = makeSigningKey('ES256', 'ec-1');
      const withJwks = await startApp({ config: testConfig({ JWKS_URL: jwks.jwksUrl, LOG_LEVEL: 'info' }), extraRoutes: ROUTES });
      try {
        const token = jwt.sign({ sub: USER_A, role: 'authenticated' }, key.privateKey, {
          algorithm: 'ES256',
          keyid: key.kid,
          audience: 'authenticated',
          expiresIn: 600,
        });
        const res = await withJwks.json('/v1/test-probe', { headers: bearer(token) });
        expectErrorEnvelope(res, 503, 'UPSTREAM_UNAVAILABLE');
        expect(res.headers.get('retry-after')).to.match(/^\d+$/);
        expect(res.headers.get('www-authenticate')).to.equal(null);
        // Within the backoff after the failure the answer is the same, and no fetch goes out.
        const fetches = jwks.fetches;
        expectErrorEnvelope(await withJwks.json('/v1/test-probe', { headers: bearer(token) }), 503, 'UPSTREAM_UNAVAILABLE');
        expect(jwks.fetches).to.equal(fetches);
        // With the keys back, the same token passes once the backoff (1 s after the first failure) allows a fetch.
        jwks.failWithStatus = undefined;
        jwks.setKeys(key);
        for (let i = 0; i < 100; i += 1) {
          if ((await withJwks.json('/v1/test-probe', { headers: bearer(token) })).status === 200) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect((await withJwks.json('/v1/test-probe', { headers: bearer(token) })).status).to.equal(200);
      } finally {
        await withJwks.close();
        await jwks.close();
      }
    });
  });
});
