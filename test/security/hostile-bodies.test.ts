import { expect } from 'chai';
import { boundedValidators, MAX_REPORTED_ERRORS } from '../../src/support/json-schema';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/support/json-depth';
import { Type } from 'typebox';
import { expectErrorEnvelope } from '../support/envelope';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { ITEM_ROUTE } from '../support/test-routes';
import { bearer, devToken } from '../support/tokens';

/** `{"a":[[[…]]]}` nested `levels` deep: about 2 bytes a level, 24 KB for the reported 12,000. */
export function deepJson(levels: number, key = 'a'): string {
  return `{"${key}":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

const ITEM_URL = '/v1/test-items/33333333-3333-4333-8333-333333333333';

describe('Security: hostile JSON bodies', () => {
  let app: RunningApp;
  before(async () => {
    // The journal is on, as in development: it serialised every body after the response.
    app = await startApp({ config: testConfig({ DEBUG_REQUESTS: 'true', LOG_LEVEL: 'info' }), extraRoutes: [ITEM_ROUTE] });
  });
  after(() => app.close());

  async function stillUp(): Promise<void> {
    const live = await app.request('/health/live');
    expect(live.status).to.equal(200);
    await live.arrayBuffer();
  }

  it('refuses a body nested 12,000 deep on an unauthenticated path with 422, and the service stays up', async () => {
    for (const path of ['/anything', '/v1/conversations', '/health']) {
      const res = await app.json(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: deepJson(12_000) });
      const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
      expect(error.message).to.contain(String(MAX_JSON_DEPTH));
      // Nothing is left to fail after the response: the journal and the log finish without a stack overflow.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await stillUp();
    }
    expect(app.logs.records().filter((r) => r.msg === 'a response-end subscriber failed')).to.deep.equal([]);
  });

  it('refuses the same body inside an authenticated profile update (settings) with 422, never a 500', async () => {
    const body = `{"preferences":${deepJson(12_000)}}`;
    const res = await app.json('/v1/user/profile', {
      method: 'PATCH',
      headers: { ...bearer(devToken()), 'Content-Type': 'application/json' },
      body,
    });
    expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
    await stillUp();
  });

  it('accepts nesting up to the limit and refuses one level more', async () => {
    const at = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const within = await app.json('/anything', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: at(MAX_JSON_DEPTH),
    });
    expectErrorEnvelope(within, 404, 'NOT_FOUND');
    const beyond = await app.json('/anything', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: at(MAX_JSON_DEPTH + 1),
    });
    expectErrorEnvelope(beyond, 422, 'VALIDATION_ERROR');
  });

  it('reports a bounded number of validation errors for a body with thousands of bad values', async () => {
    const body = { title: 'x', count: 1, kind: 'note', done: false, tags: Array.from({ length: 5000 }, () => 7) };
    const res = await app.json(ITEM_URL, {
      method: 'POST',
      headers: { ...bearer(devToken()), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
    const fields = (error.details as { fields: unknown[] }).fields;
    expect(fields.length).to.be.within(1, MAX_REPORTED_ERRORS);
  });

  it('bounds the text rule too: thousands of control characters give at most the cap', async () => {
    const body = {
      title: 'x',
      count: 1,
      kind: 'note',
      done: false,
      extra: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, '\u0000'])),
    };
    const res = await app.json(ITEM_URL, {
      method: 'POST',
      headers: { ...bearer(devToken()), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
    expect((error.details as { fields: unknown[] }).fields.length).to.be.at.most(MAX_REPORTED_ERRORS);
  });
});

describe('JSON depth and bounded validation (units)', () => {
  it('measures depth without recursion, even 500,000 levels deep', () => {
    const deep = JSON.parse(`${'['.repeat(500_000)}${']'.repeat(500_000)}`) as unknown;
    expect(nestsDeeperThan(deep, MAX_JSON_DEPTH)).to.equal(true);
    expect(nestsDeeperThan({ a: [{ b: [1, 2, { c: 'd' }] }] }, 5)).to.equal(false);
    expect(nestsDeeperThan({ a: [{ b: [1, 2, { c: 'd' }] }] }, 4)).to.equal(true);
    expect(nestsDeeperThan('text', 0)).to.equal(false);
  });

  it('collects every error of a small value, the first of a large one, never more than the cap', () => {
    const validate = boundedValidators()(Type.Array(Type.String()));
    expect(validate(['a', 'b'])).to.deep.equal([]);
    expect(validate([1, 2, 3])).to.have.length(3);
    expect(validate(Array.from({ length: 100 }, () => 1))).to.have.length(MAX_REPORTED_ERRORS);
    expect(validate(Array.from({ length: 200_000 }, () => 1))).to.have.length(1);
  });

  it('treats a value too deep to serialise as over a byte limit rather than throwing', () => {
    const validate = boundedValidators()(Type.Unknown({ 'x-max-bytes': 100 }));
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown;
    expect(validate(deep).map((e) => e.keyword)).to.deep.equal(['x-max-bytes']);
  });
});
