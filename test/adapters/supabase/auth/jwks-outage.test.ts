import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { createLogger } from '../../../../src/adapters/logging/bunyan-logger';
import { JwksKeyStore, type JwksKeyStoreOptions } from '../../../../src/adapters/supabase/auth/jwks-key-store';
import { SupabaseAccessTokenVerifier } from '../../../../src/adapters/supabase/auth/supabase-access-token-verifier';
import { AppError } from '../../../../src/domain/errors/app-error';
import { FakeClock } from '../../../fakes/fake-clock';
import { FakeJwksServer, makeSigningKey, type SigningKey } from '../../../fakes/fake-jwks-server';
import { LogCollector } from '../../../support/log-collector';
import { USER_A } from '../../../support/tokens';

const CACHE_SECONDS = 60;
const MAX_STALE_SECONDS = 600;

interface Outcome {
  ok: boolean;
  code?: string;
  retryAfterSeconds?: number;
}

/**
 * The JWKS key store through the verifier while its endpoint fails, on a fake clock. The fetch
 * timeout is far above mocha's: a caller that waited on a hung fetch would fail the test, so
 * "answers at once" is proven without measuring time.
 */
describe('JWKS outage (fake clock)', () => {
  let server: FakeJwksServer;
  let ec: SigningKey;
  let clock: FakeClock;
  let logs: LogCollector;
  let store: JwksKeyStore;
  let verifier: SupabaseAccessTokenVerifier;

  before(() => {
    ec = makeSigningKey('ES256', 'ec-key-1');
  });
  beforeEach(async () => {
    server = await FakeJwksServer.start([ec]);
    clock = new FakeClock();
    logs = new LogCollector();
    build();
  });
  afterEach(async () => server.close());

  function build(options: Partial<JwksKeyStoreOptions> = {}): void {
    store = new JwksKeyStore(
      {
        url: server.jwksUrl,
        cacheSeconds: CACHE_SECONDS,
        refetchIntervalSeconds: 30,
        maxStaleSeconds: MAX_STALE_SECONDS,
        timeoutMs: 120_000,
        ...options,
      },
      clock,
      createLogger('test', { level: 'info', stream: logs }),
    );
    verifier = new SupabaseAccessTokenVerifier(
      { allowedAlgorithms: ['ES256'], hmacSecret: undefined, audience: 'authenticated', issuer: undefined, clockSkewSeconds: 30 },
      clock,
      store,
    );
  }

  function token(key: SigningKey = ec, kid: string = key.kid): string {
    const now = clock.nowSeconds();
    return jwt.sign({ sub: USER_A, aud: 'authenticated', role: 'authenticated', exp: now + 3600 }, key.privateKey, {
      algorithm: key.alg,
      keyid: kid,
      noTimestamp: true,
    });
  }

  async function verify(t: string): Promise<Outcome> {
    try {
      await verifier.verify(t);
      return { ok: true };
    } catch (err) {
      expect(err, String(err)).to.be.instanceOf(AppError);
      return { ok: false, code: (err as AppError).code, retryAfterSeconds: (err as AppError).retryAfterSeconds };
    }
  }

  /** Keys fetched, then the cache expires and the endpoint fails: the outage has begun. */
  async function startOutage(): Promise<void> {
    expect(await verify(token())).to.deep.equal({ ok: true });
    server.failWithStatus = 503;
    clock.advanceSeconds(CACHE_SECONDS + 1);
    expect(await verify(token()), 'the cached key still passes').to.deep.equal({ ok: true });
    expect(server.fetches).to.equal(2);
    expect(logs.text()).to.contain('JWKS fetch failed');
  }

  async function untilFetches(n: number): Promise<void> {
    for (let i = 0; i < 1000 && server.fetches < n; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.fetches).to.equal(n);
  }

  it('answers an unknown kid with a fast 401 during an outage, one background attempt per backoff window for all callers', async () => {
    await startOutage();
    server.hang = true;
    const forged = makeSigningKey('ES256', 'forged-kid');
    const within = await Promise.all(Array.from({ length: 20 }, () => verify(token(forged))));
    expect(within.every((o) => o.code === 'AUTH_INVALID')).to.equal(true);
    expect(server.fetches, 'no attempt within the first second of backoff').to.equal(2);

    clock.advanceSeconds(1);
    const after = await Promise.all(Array.from({ length: 20 }, () => verify(token(forged))));
    expect(
      after.every((o) => o.code === 'AUTH_INVALID'),
      'nobody waits on the hung attempt',
    ).to.equal(true);
    await untilFetches(3);
    expect(await verify(token()), 'a known kid still passes').to.deep.equal({ ok: true });
    expect(server.fetches).to.equal(3);
  });

  it('backs off 1 s, 2 s, 4 s ... between attempts, at most 60 s', async () => {
    await startOutage();
    const attemptsAt: number[] = [];
    const started = clock.nowMs();
    for (let second = 0; second <= 200; second += 1) {
      const before = server.fetches;
      await verify(token());
      await store.whenIdle();
      if (server.fetches > before) attemptsAt.push((clock.nowMs() - started) / 1000);
      clock.advanceSeconds(1);
    }
    const gaps = attemptsAt.map((t, i) => t - (i === 0 ? 0 : attemptsAt[i - 1]!));
    expect(gaps.slice(0, 7)).to.deep.equal([1, 2, 4, 8, 16, 32, 60]);
    expect(gaps.slice(7).every((g) => g === 60)).to.equal(true);
  });

  it('answers a fast 503 with Retry-After when no key is known at all, and only the first caller waits for the failed fetch', async () => {
    server.failWithStatus = 502;
    const first = await Promise.all(Array.from({ length: 10 }, () => verify(token())));
    expect(first.every((o) => o.code === 'UPSTREAM_UNAVAILABLE')).to.equal(true);
    expect(server.fetches, 'concurrent callers share one fetch').to.equal(1);
    server.hang = true;
    const next = await verify(token());
    expect(next).to.include({ code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: 1 });
    expect(server.fetches).to.equal(1);
  });

  it('drops the stale keys once they are older than the bound, then answers 503', async () => {
    await startOutage();
    clock.advanceSeconds(MAX_STALE_SECONDS - CACHE_SECONDS - 2);
    expect(await verify(token())).to.deep.equal({ ok: true });
    await store.whenIdle();
    clock.advanceSeconds(2);
    expect(await verify(token())).to.include({ ok: false, code: 'UPSTREAM_UNAVAILABLE' });
    expect(logs.text()).to.contain('JWKS keys dropped');
  });

  it('recovers at the first attempt that succeeds: new keys are fetched again on demand', async () => {
    await startOutage();
    const next = makeSigningKey('ES256', 'ec-key-2');
    server.failWithStatus = undefined;
    server.setKeys(ec, next);
    expect((await verify(token(next))).code, 'still within the backoff').to.equal('AUTH_INVALID');
    clock.advanceSeconds(1);
    await verify(token(next));
    await store.whenIdle();
    expect(await verify(token(next))).to.deep.equal({ ok: true });
    expect(logs.text()).to.contain('JWKS reachable again');
    // Healthy again: an unknown kid refetches (after the interval) and is waited for.
    const third = makeSigningKey('ES256', 'ec-key-3');
    server.setKeys(ec, next, third);
    clock.advanceSeconds(30);
    expect(await verify(token(third))).to.deep.equal({ ok: true });
  });

  it('does not read a JWKS document larger than 1 MiB', async () => {
    server.bodyOverride = { keys: [ec.jwk], padding: 'x'.repeat(1024 * 1024) };
    expect(await verify(token())).to.include({ ok: false, code: 'UPSTREAM_UNAVAILABLE' });
    expect(logs.text()).to.contain('maxContentLength');
  });
});
