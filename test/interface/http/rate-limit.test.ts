import { expect } from 'chai';
import sinon from 'sinon';
import { randomUUID } from 'node:crypto';
import { startApp, type RunningApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { bearer, devToken } from '../../support/tokens';

describe('Rate-limit headers of the per-process limiter', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({ config: testConfig({ RATE_LIMIT_READS: '2', RATE_LIMIT_WINDOW_SECONDS: '30' }) });
  });
  after(() => app.close());
  afterEach(() => sinon.restore());

  it('keeps RateLimit-Reset and Retry-After within the window although its clock drifts from the wall clock', async () => {
    // koa-ratelimit's memory driver counts time with hrtime anchored at start-up; the wall clock moves on its own.
    const wall = Date.now.bind(Date);
    sinon.stub(Date, 'now').callsFake(() => wall() - 5_000);
    const token = devToken(randomUUID());
    for (let i = 0; i < 2; i += 1) {
      const res = await app.request('/v1/models', { headers: bearer(token) });
      expect(res.status).to.equal(200);
      expect(Number(res.headers.get('ratelimit-reset'))).to.be.within(0, 30);
    }
    const limited = await app.request('/v1/models', { headers: bearer(token) });
    expect(limited.status).to.equal(429);
    expect(Number(limited.headers.get('ratelimit-reset'))).to.be.within(0, 30);
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 30);
  });
});
