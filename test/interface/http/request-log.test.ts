import { expect } from 'chai';
import { CLOCK } from '../../../src/ports/clock.port';
import type { RouteSpec } from '../../../src/interface/http/routing/route-spec';
import { ok } from '../../../src/interface/http/routing/route-spec';
import { FakeClock } from '../../fakes/fake-clock';
import { eventually } from '../../support/async';
import { startApp, type RunningApp } from '../../support/http';
import { bearer, devToken, USER_A } from '../../support/tokens';
import { BOOM_ROUTE, ITEM_ROUTE, testRoute } from '../../support/test-routes';

const ITEM_ID = '55555555-5555-4555-8555-555555555555';

/** A route that takes 42 ms of fake time. */
const SLOW_ROUTE: RouteSpec = testRoute({
  method: 'get',
  path: '/v1/test-slow/{id}',
  async handler({ container }) {
    container.resolve<FakeClock>(CLOCK).advanceMs(42);
    return ok({ done: true });
  },
});

type LogRecord = Record<string, unknown>;

describe('request log', () => {
  let app: RunningApp;
  beforeEach(async () => {
    app = await startApp({ overrides: { clock: new FakeClock() }, extraRoutes: [SLOW_ROUTE, ITEM_ROUTE, BOOM_ROUTE] });
  });
  afterEach(async () => app.close());

  const requestLines = (requestId: string): LogRecord[] =>
    app.logs.records().filter((r) => r.msg === 'request' && r.request_id === requestId);
  const lineOf = (requestId: string): Promise<LogRecord> =>
    eventually(() => requestLines(requestId)[0], `the request log line of ${requestId}`);

  it('writes one line per request with the route template, status, duration, user and request id', async () => {
    const res = await app.request(`/v1/test-slow/${ITEM_ID}?q=private-search-term`, {
      headers: { ...bearer(devToken()), 'X-Request-Id': 'log-check-000001' },
    });
    expect(res.status).to.equal(200);
    const line = await lineOf('log-check-000001');
    expect(line).to.include({
      request_id: 'log-check-000001',
      method: 'GET',
      route: '/v1/test-slow/{id}',
      status: 200,
      duration_ms: 42,
      user_id: USER_A,
      level: 30,
    });
    // Another request has its own line; this one still has exactly one.
    await app.request('/health/live', { headers: { 'X-Request-Id': 'log-check-000002' } });
    await lineOf('log-check-000002');
    expect(requestLines('log-check-000001')).to.have.length(1);
    // The raw path (ids, query strings) never reaches the log.
    expect(app.logs.text()).not.to.contain(ITEM_ID);
    expect(app.logs.text()).not.to.contain('private-search-term');
  });

  it('logs failed requests with their status and error code', async () => {
    await app.request('/v1/test-slow/x', { headers: { 'X-Request-Id': 'log-check-000003' } });
    expect(await lineOf('log-check-000003')).to.include({ status: 401, error_code: 'AUTH_REQUIRED', route: 'unmatched' });
    expect((await lineOf('log-check-000003')).user_id).to.equal(undefined);

    await app.request('/nowhere', { headers: { 'X-Request-Id': 'log-check-000004' } });
    expect(await lineOf('log-check-000004')).to.include({ status: 404, error_code: 'NOT_FOUND', route: 'unmatched' });

    await app.request(`/v1/test-items/${ITEM_ID}`, {
      method: 'POST',
      headers: { ...bearer(devToken()), 'Content-Type': 'application/json', 'X-Request-Id': 'log-check-000005' },
      body: '{}',
    });
    expect(await lineOf('log-check-000005')).to.include({
      status: 422,
      error_code: 'VALIDATION_ERROR',
      route: '/v1/test-items/{id}',
      user_id: USER_A,
    });

    await app.request('/v1/test-boom', { headers: { ...bearer(devToken()), 'X-Request-Id': 'log-check-000006' } });
    const boom = await lineOf('log-check-000006');
    expect(boom).to.include({ status: 500, error_code: 'INTERNAL_ERROR', route: '/v1/test-boom' });
    expect(boom.level).to.equal(50);
  });

  it('never logs the Authorization header or the token', async () => {
    const valid = devToken();
    const expired = devToken(USER_A, { expiresIn: -3600 });
    const wrongAudience = devToken(USER_A, { audience: 'anon' });
    const tampered = `${valid.slice(0, -4)}AAAA`;
    const tokens = [valid, expired, wrongAudience, tampered];
    let sent = 0;
    for (const token of tokens) {
      for (const path of ['/v1/test-slow/x', `/v1/test-slow/${ITEM_ID}`, '/v1/test-boom', '/health', '/nowhere']) {
        await app.request(path, { headers: bearer(token) });
        sent += 1;
      }
    }
    for (const authorization of ['Basic dXNlcjpzM2NyM3Q=', 'Bearer opaque-secret-value']) {
      await app.request('/v1/test-slow/x', { headers: { Authorization: authorization } });
      sent += 1;
    }
    // Every request has been logged before looking.
    await eventually(() => (app.logs.records().filter((r) => r.msg === 'request').length === sent ? true : undefined), 'all request lines');

    const text = app.logs.text();
    // Audit lines for the failures, error lines for the 500s: there is something to search.
    expect(app.logs.records().filter((r) => r.audit === true).length).to.be.greaterThan(0);
    for (const token of tokens) {
      expect(text).not.to.contain(token);
      for (const part of token.split('.').filter((p) => p.length > 8)) expect(text).not.to.contain(part);
    }
    expect(text).not.to.contain('dXNlcjpzM2NyM3Q=');
    expect(text).not.to.contain('opaque-secret-value');
    expect(text).not.to.match(/"(authorization|headers)"\s*:/i);
    // Only the placeholder of the help text may follow "Bearer".
    expect(text).not.to.match(/Bearer\s+(?!\[REDACTED\]|<access token>)/);
  });
});
