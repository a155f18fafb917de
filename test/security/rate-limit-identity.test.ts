import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { expectErrorEnvelope } from '../support/envelope';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { bearer, devToken } from '../support/tokens';

async function status(app: RunningApp, path: string, init?: RequestInit): Promise<number> {
  const res = await app.request(path, init);
  await res.arrayBuffer();
  return res.status;
}

describe('Security: whose limit a request counts against', () => {
  let app: RunningApp;
  const IP_LIMIT = 5;
  const READS = 3;
  beforeEach(async () => {
    // Every caller here shares 127.0.0.1, like colleagues behind one office NAT or users behind a proxy.
    app = await startApp({ config: testConfig({ RATE_LIMIT_ANONYMOUS: String(IP_LIMIT), RATE_LIMIT_READS: String(READS) }) });
  });
  afterEach(() => app.close());

  it('lets fifty users behind one IP each use their own limit, far beyond the per-IP limit', async () => {
    const users = Array.from({ length: 50 }, () => bearer(devToken(randomUUID())));
    for (const headers of users) {
      for (let i = 0; i < READS; i += 1) expect(await status(app, '/v1/models', { headers })).to.equal(200);
    }
    // 150 requests from one IP with a per-IP limit of 5: each user is only now over their own.
    const over = await app.json<{ error: { details: { class: string } } }>('/v1/models', { headers: users[7] });
    expectErrorEnvelope(over, 429, 'RATE_LIMITED');
    expect(over.body.error.details.class).to.equal('reads');
    // And the IP is not used up for someone without a token either.
    expect(await status(app, '/v1/models')).to.equal(401);
  });

  it('limits an unauthenticated flood per IP: no token, malformed and failing tokens all count', async () => {
    const guesses: RequestInit[] = [
      {},
      { headers: { Authorization: 'Basic dXNlcjpwYXNz' } },
      { headers: bearer('guessed.token.value') },
      { headers: bearer(devToken(randomUUID(), { expiresIn: -120 })) },
      { headers: bearer(`${devToken(randomUUID())}x`) },
    ];
    for (const init of guesses) expect(await status(app, '/v1/models', init)).to.equal(401);
    for (const init of guesses) {
      const limited = await app.json<{ error: { details: { class: string } } }>('/v1/conversations', init);
      expectErrorEnvelope(limited, 429, 'RATE_LIMITED');
      expect(limited.body.error.details.class).to.equal('anonymous');
      expect(Number(limited.headers.get('retry-after'))).to.be.greaterThan(0);
    }
    // Unknown paths and public pages count too; load-balancer probes never do.
    expect(await status(app, '/nothing-here')).to.equal(429);
    expect(await status(app, '/health/live')).to.equal(200);
    // A valid token from the same IP is limited per user, not by the flood.
    expect(await status(app, '/v1/models', { headers: bearer(devToken(randomUUID())) })).to.equal(200);
  });
});

const PRODUCTION = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  SUPABASE_URL: 'http://127.0.0.1:9',
  SUPABASE_ANON_KEY: 'anon',
  EDGE_FUNCTION_URL: 'http://127.0.0.1:9/functions/v1/conversation-manager',
  LITELLM_URL: 'http://127.0.0.1:9',
  LITELLM_MASTER_KEY: 'master-key-of-litellm',
  JWT_SECRET_KEY: 'a-project-secret-of-at-least-32-characters',
  METRICS_TOKEN: 'a-metrics-token-for-the-scraper',
};

describe('Security: X-Forwarded-For while TRUST_PROXY is off (production)', () => {
  interface Health {
    warnings?: { code: string; message: string; since: string }[];
  }

  it('warns once in the log and on /health when a proxy header arrives that is not trusted', async () => {
    const app = await startApp({ config: testConfig(PRODUCTION) });
    try {
      const before = await app.json<Health>('/health');
      expect(before.body.warnings).to.equal(undefined);
      for (let i = 0; i < 3; i += 1) await status(app, '/health/live', { headers: { 'X-Forwarded-For': '203.0.113.7' } });
      const after = await app.json<Health>('/health');
      expect(after.body.warnings?.map((w) => w.code)).to.deep.equal(['ignored_x_forwarded_for']);
      expect(after.body.warnings?.[0]?.message).to.contain('TRUST_PROXY');
      const lines = app.logs.records().filter((r) => r.warning === 'ignored_x_forwarded_for');
      expect(lines).to.have.length(1);
      expect(lines[0]?.level).to.equal(40);
    } finally {
      await app.close();
    }
  });

  it('says nothing when TRUST_PROXY is on, or outside production', async () => {
    for (const env of [{ ...PRODUCTION, TRUST_PROXY: 'true' }, { LOG_LEVEL: 'info' }]) {
      const app = await startApp({ config: testConfig(env) });
      try {
        await status(app, '/health/live', { headers: { 'X-Forwarded-For': '203.0.113.7' } });
        expect((await app.json<Health>('/health')).body.warnings).to.equal(undefined);
        expect(app.logs.records().filter((r) => r.warning === 'ignored_x_forwarded_for')).to.deep.equal([]);
      } finally {
        await app.close();
      }
    }
  });
});
