import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RESOURCES, type Resources } from '../../../src/composition-root';
import { LOGGER, type Logger } from '../../../src/ports/logger.port';
import { RATE_LIMIT_STORE, type RateLimitStore } from '../../../src/ports/rate-limit-store.port';
import { RedisServerProcess } from '../../fakes/redis-server-process';
import { eventually } from '../../support/async';
import { expectErrorEnvelope } from '../../support/envelope';
import { startApp, type RunningApp } from '../../support/http';
import { scrape } from '../../support/prometheus';
import { connectTestRedis, deleteKeys, TEST_REDIS_URL, uniqueKeyPrefix } from '../../support/test-redis';
import { testConfig } from '../../support/test-config';
import { bearer, devToken } from '../../support/tokens';

const READS = 3;
const WINDOW_SECONDS = 60;

interface RedisApp extends RunningApp {
  store: RateLimitStore;
  stop(): Promise<void>;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The app with REDIS_URL, once its Redis client is connected (so the shared limiter is in use). */
async function startRedisApp(redisUrl: string, prefix: string, env: Record<string, string> = {}): Promise<RedisApp> {
  const app = await startApp({
    config: testConfig({
      LOG_LEVEL: 'info',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_READS: String(READS),
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      ...env,
    }),
  });
  const store = app.container.resolve<RateLimitStore>(RATE_LIMIT_STORE);
  await until(() => store.isShared(), `the app's Redis client to connect to ${redisUrl}`);
  return {
    ...app,
    store,
    async stop() {
      await app.close();
      await app.container.resolve<Resources>(RESOURCES).closeAll(app.container.resolve<Logger>(LOGGER));
    },
  };
}

function read(app: RunningApp, user: string): Promise<Response> {
  return app.request('/v1/models', { headers: bearer(devToken(user)) });
}

function expectLimitHeaders(res: Response, remaining: number): void {
  expect(res.headers.get('ratelimit-limit')).to.equal(String(READS));
  expect(res.headers.get('ratelimit-remaining')).to.equal(String(remaining));
  const reset = Number(res.headers.get('ratelimit-reset'));
  expect(reset, 'RateLimit-Reset is seconds from now').to.be.within(0, WINDOW_SECONDS);
}

describe('Rate limits on the real Redis (TEST_REDIS_URL)', () => {
  let redis: Redis;
  let prefix: string;
  const apps: RedisApp[] = [];

  before(async () => {
    redis = await connectTestRedis();
  });
  beforeEach(() => {
    prefix = uniqueKeyPrefix();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    await deleteKeys(redis, prefix);
  });
  after(() => redis?.disconnect());

  it('answers the N+1-th call of a user 429 RATE_LIMITED with Retry-After and RateLimit-* headers, counted in Redis', async () => {
    const app = await startRedisApp(TEST_REDIS_URL, prefix);
    apps.push(app);
    const user = randomUUID();
    for (let i = 0; i < READS; i += 1) {
      const res = await read(app, user);
      expect(res.status).to.equal(200);
      expectLimitHeaders(res, READS - i - 1);
    }
    expect(await redis.zcard(`${prefix}:v1:rl:reads:${user}`)).to.equal(READS);

    const limited = await app.json<{ error: { details: { class: string; limit: number } } }>('/v1/models', {
      headers: { ...bearer(devToken(user)), 'X-Request-Id': 'rate-limit-check-0001' },
    });
    const error = expectErrorEnvelope(limited, 429, 'RATE_LIMITED');
    expect(error.details).to.deep.equal({ class: 'reads', limit: READS });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, WINDOW_SECONDS);
    expect(limited.headers.get('ratelimit-limit')).to.equal(String(READS));
    expect(limited.headers.get('ratelimit-remaining')).to.equal('0');
    expect(Number(limited.headers.get('ratelimit-reset'))).to.be.within(0, WINDOW_SECONDS);
    // Security headers stay on the refusal.
    expect(limited.headers.get('x-content-type-options')).to.equal('nosniff');

    const audit = await eventually(
      () => app.logs.records().find((r) => r.audit === true && r.event === 'rate_limited' && r.request_id === 'rate-limit-check-0001'),
      'the audit line',
    );
    expect(audit).to.include({ user_id: user, class: 'reads', path: '/v1/models' });
    expect(audit.ip).to.match(/127\.0\.0\.1$/);
  });

  it('limits users independently, and endpoint classes independently', async () => {
    const app = await startRedisApp(TEST_REDIS_URL, prefix);
    apps.push(app);
    const [hammering, other] = [randomUUID(), randomUUID()];
    for (let i = 0; i < READS; i += 1) expect((await read(app, hammering)).status).to.equal(200);
    expect((await read(app, hammering)).status).to.equal(429);

    const res = await read(app, other);
    expect(res.status).to.equal(200);
    expectLimitHeaders(res, READS - 1);

    // Writes have their own budget: the throttled reader can still create a conversation.
    const write = await app.request('/v1/conversations', {
      method: 'POST',
      headers: { ...bearer(devToken(hammering)), 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Still allowed' }),
    });
    expect(write.status).to.equal(201);
  });

  it('shares one budget between two instances on the same Redis', async () => {
    const first = await startRedisApp(TEST_REDIS_URL, prefix);
    apps.push(first);
    const second = await startRedisApp(TEST_REDIS_URL, prefix);
    apps.push(second);
    const user = randomUUID();
    expect((await read(first, user)).status).to.equal(200);
    expect((await read(second, user)).status).to.equal(200);
    const third = await read(first, user);
    expect(third.status).to.equal(200);
    expectLimitHeaders(third, 0);
    expectErrorEnvelope(await second.json('/v1/models', { headers: bearer(devToken(user)) }), 429, 'RATE_LIMITED');
    expectErrorEnvelope(await first.json('/v1/models', { headers: bearer(devToken(user)) }), 429, 'RATE_LIMITED');
  });

  it('limits per IP the requests without a valid token, and only those', async () => {
    const app = await startRedisApp(TEST_REDIS_URL, prefix, { RATE_LIMIT_ANONYMOUS: '2' });
    apps.push(app);
    expect((await app.request('/v1/models')).status).to.equal(401);
    expect((await app.request('/v1/models', { headers: bearer('guessed.token.value') })).status).to.equal(401);
    const limited = await app.json('/v1/models', { headers: bearer('another.guessed.token') });
    expectErrorEnvelope(limited, 429, 'RATE_LIMITED');
    expect(limited.headers.get('ratelimit-limit')).to.equal('2');
    // A valid token is limited per user, never by the IP it shares with the guesser.
    expect((await app.request('/v1/models', { headers: bearer(devToken(randomUUID())) })).status).to.equal(200);
    // Probes of load balancers are never limited.
    expect((await app.request('/health/live')).status).to.equal(200);
  });
});

describe("Rate limits when Redis stops (a redis-server of the test's own)", () => {
  let server: RedisServerProcess;
  let app: RedisApp | undefined;

  beforeEach(async () => {
    server = await RedisServerProcess.create();
    await server.start();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await server.kill();
  });

  it('falls back to per-process limits that still refuse the N+1-th call, says so in metrics and logs, and recovers', async () => {
    app = await startRedisApp(server.url, uniqueKeyPrefix());
    const running = app;
    const [user, other] = [randomUUID(), randomUUID()];
    expect((await read(running, user)).status).to.equal(200);
    let metrics = await scrape(running);
    expect(metrics.value('rate_limit_fallback_active')).to.equal(0);
    expect(metrics.value('cache_shared_down')).to.equal(0);

    await server.kill();
    await until(() => !running.store.isShared(), 'the client to notice the outage');

    // Counting restarts in this process: the API stays up and keeps limiting.
    for (let i = 0; i < READS; i += 1) {
      const res = await read(running, user);
      expect(res.status).to.equal(200);
      expectLimitHeaders(res, READS - i - 1);
    }
    expectErrorEnvelope(await running.json('/v1/models', { headers: bearer(devToken(user)) }), 429, 'RATE_LIMITED');
    // The cache serves from the source meanwhile.
    expect((await running.request('/v1/user/profile', { headers: bearer(devToken(other)) })).status).to.equal(200);

    metrics = await scrape(running);
    expect(metrics.value('rate_limit_fallback_active')).to.equal(1);
    expect(metrics.value('rate_limit_rejections_total', { class: 'reads' })).to.equal(1);
    expect(metrics.value('cache_shared_down')).to.equal(1);
    expect(metrics.value('cache_errors_total')).to.be.greaterThan(0);
    const fallbackLines = running.logs
      .records()
      .filter((r) => r.msg === 'rate limits fall back to per-process counters (Redis unavailable)');
    expect(fallbackLines, 'logged once, not per request').to.have.length(1);

    await server.start();
    await until(() => running.store.isShared(), 'the client to reconnect');
    expect((await read(running, other)).status).to.equal(200);
    metrics = await scrape(running);
    expect(metrics.value('rate_limit_fallback_active')).to.equal(0);
  });
});
