import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { bearer, devToken } from '../support/tokens';
import { concretePath, everyRoute, label, PROTOTYPE_KEYS, requestFor } from './route-walk';

describe('Security: prototype-property names in every path parameter', () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({ config: testConfig({ DEBUG_REQUESTS: 'true', ENABLE_METRICS: 'true', RATE_LIMIT_ENABLED: 'false' }) });
  });
  after(() => app.close());

  it('answers each with a clear 4xx (or an empty result), never a 5xx, with and without a token', async () => {
    const routes = everyRoute().filter((r) => r.path.includes('{'));
    expect(routes.length).to.be.greaterThan(5);
    for (const spec of routes) {
      for (const key of PROTOTYPE_KEYS) {
        for (const headers of [bearer(devToken(randomUUID())), {}]) {
          const path = concretePath(spec, () => encodeURIComponent(key));
          const res = await app.request(path, requestFor(spec, headers));
          const text = await res.text();
          const at = `${label(spec)} with ${key} (${Object.keys(headers).length ? 'token' : 'anonymous'})`;
          expect(res.status, `${at}: ${text.slice(0, 200)}`).to.be.below(500);
          if (res.status >= 400) expect(JSON.parse(text), at).to.have.nested.property('error.code');
        }
      }
    }
    const live = await app.request('/health/live');
    expect(live.status).to.equal(200);
  });
});
