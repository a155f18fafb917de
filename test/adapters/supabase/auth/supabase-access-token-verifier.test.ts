import { expect } from 'chai';
import sinon from 'sinon';
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createLogger } from '../../../../src/adapters/logging/bunyan-logger';
import { JwksKeyStore } from '../../../../src/adapters/supabase/auth/jwks-key-store';
import {
  SupabaseAccessTokenVerifier,
  VERIFIED_TOKEN_TTL_MS,
  type TokenVerifierOptions,
} from '../../../../src/adapters/supabase/auth/supabase-access-token-verifier';
import { VerifiedTokenCache } from '../../../../src/adapters/supabase/auth/verified-token-cache';
import { DEV_JWT_SECRET } from '../../../../src/config/config';
import { AppError } from '../../../../src/domain/errors/app-error';
import { FakeClock } from '../../../fakes/fake-clock';
import { FakeJwksServer, makeSigningKey, unreachableUrl, type SigningKey } from '../../../fakes/fake-jwks-server';
import { rejectionOf } from '../../../support/async';
import { LogCollector } from '../../../support/log-collector';
import { USER_A } from '../../../support/tokens';

const ISSUER = 'https://abcdefgh.supabase.co/auth/v1';
const SECRET = DEV_JWT_SECRET;

const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token assembled by hand, for headers and signatures a well-behaved library refuses to produce. */
function handMade(header: Record<string, unknown>, payload: Record<string, unknown>, hmacKey?: string): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = hmacKey === undefined ? '' : createHmac('sha256', hmacKey).update(input).digest('base64url');
  return `${input}.${signature}`;
}

interface Harness {
  verifier: SupabaseAccessTokenVerifier;
  clock: FakeClock;
  logs: LogCollector;
  /** Claims of a valid user token at the fake clock's time. */
  claims(extra?: Record<string, unknown>): Record<string, unknown>;
}

function harness(
  options: Partial<TokenVerifierOptions> & { jwksUrl?: string; cacheSeconds?: number; refetchIntervalSeconds?: number } = {},
): Harness {
  const clock = new FakeClock();
  const logs = new LogCollector();
  const logger = createLogger('test', { level: 'warn', stream: logs });
  const jwks = options.jwksUrl
    ? new JwksKeyStore(
        {
          url: options.jwksUrl,
          cacheSeconds: options.cacheSeconds ?? 600,
          refetchIntervalSeconds: options.refetchIntervalSeconds ?? 30,
          timeoutMs: 2000,
        },
        clock,
        logger,
      )
    : undefined;
  const verifier = new SupabaseAccessTokenVerifier(
    {
      allowedAlgorithms: options.allowedAlgorithms ?? ['HS256', 'ES256', 'RS256'],
      hmacSecret: 'hmacSecret' in options ? options.hmacSecret : SECRET,
      audience: options.audience ?? 'authenticated',
      issuer: 'issuer' in options ? options.issuer : ISSUER,
      clockSkewSeconds: options.clockSkewSeconds ?? 30,
    },
    clock,
    jwks,
  );
  return {
    verifier,
    clock,
    logs,
    claims: (extra = {}) => ({
      sub: USER_A,
      aud: 'authenticated',
      iss: ISSUER,
      role: 'authenticated',
      email: 'user@example.com',
      session_id: '123e4567-e89b-12d3-a456-426614174000',
      iat: clock.nowSeconds() - 60,
      exp: clock.nowSeconds() + 3600,
      ...extra,
    }),
  };
}

function hs256(claims: Record<string, unknown>, secret: string = SECRET): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', noTimestamp: true });
}

function signed(key: SigningKey, claims: Record<string, unknown>, kid: string = key.kid): string {
  return jwt.sign(claims, key.privateKey, { algorithm: key.alg, keyid: kid, noTimestamp: true });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await rejectionOf(promise);
  expect(err, String(err)).to.be.instanceOf(AppError);
  return (err as AppError).code;
}

describe('SupabaseAccessTokenVerifier', () => {
  describe('HS256 (the project secret)', () => {
    it('accepts a valid user token and returns the user', async () => {
      const h = harness();
      const token = hs256(h.claims());
      const user = await h.verifier.verify(token);
      expect(user).to.deep.equal({ userId: USER_A, token, email: 'user@example.com' });
    });

    it('rejects a token signed with another secret', async () => {
      const h = harness();
      expect(await codeOf(h.verifier.verify(hs256(h.claims(), 'another-secret-that-is-long-enough-000')))).to.equal('AUTH_INVALID');
    });

    it('rejects a token whose payload was altered after signing', async () => {
      const h = harness();
      const [header, , signature] = hs256(h.claims()).split('.');
      const forged = `${header}.${b64url(h.claims({ sub: '22222222-2222-4222-8222-222222222222' }))}.${signature}`;
      expect(await codeOf(h.verifier.verify(forged))).to.equal('AUTH_INVALID');
    });

    it('rejects HS256 when no secret is configured', async () => {
      const h = harness({ hmacSecret: undefined });
      expect(await codeOf(h.verifier.verify(hs256(h.claims())))).to.equal('AUTH_INVALID');
    });

    it('rejects an algorithm that is not on the allow-list', async () => {
      const h = harness({ allowedAlgorithms: ['ES256', 'RS256'] });
      expect(await codeOf(h.verifier.verify(hs256(h.claims())))).to.equal('AUTH_INVALID');
    });

    it('rejects garbage', async () => {
      const h = harness();
      for (const token of ['', 'not-a-jwt', 'a.b.c', `${b64url({ alg: 'HS256' })}.bm90IGpzb24.`]) {
        expect(await codeOf(h.verifier.verify(token)), token).to.equal('AUTH_INVALID');
      }
    });
  });

  describe('alg: none', () => {
    it('rejects an unsigned token', async () => {
      const h = harness();
      const token = handMade({ alg: 'none', typ: 'JWT' }, h.claims());
      expect(await codeOf(h.verifier.verify(token))).to.equal('AUTH_INVALID');
    });

    it('rejects it in any spelling, even with a signature part', async () => {
      const h = harness();
      for (const alg of ['none', 'None', 'NONE']) {
        expect(await codeOf(h.verifier.verify(handMade({ alg, typ: 'JWT' }, h.claims(), SECRET))), alg).to.equal('AUTH_INVALID');
      }
    });
  });

  describe('claims', () => {
    it('rejects an expired token with AUTH_EXPIRED', async () => {
      const h = harness();
      const token = hs256(h.claims({ iat: h.clock.nowSeconds() - 7200, exp: h.clock.nowSeconds() - 3600 }));
      expect(await codeOf(h.verifier.verify(token))).to.equal('AUTH_EXPIRED');
    });

    it('accepts a token expired by less than the clock skew', async () => {
      const h = harness({ clockSkewSeconds: 30 });
      const token = hs256(h.claims({ exp: h.clock.nowSeconds() - 20 }));
      expect((await h.verifier.verify(token)).userId).to.equal(USER_A);
    });

    it('rejects a token expired by more than the clock skew', async () => {
      const h = harness({ clockSkewSeconds: 30 });
      const token = hs256(h.claims({ exp: h.clock.nowSeconds() - 31 }));
      expect(await codeOf(h.verifier.verify(token))).to.equal('AUTH_EXPIRED');
    });

    it('follows the clock: a valid token expires when time passes', async () => {
      const h = harness({ clockSkewSeconds: 0 });
      const token = hs256(h.claims({ exp: h.clock.nowSeconds() + 60 }));
      await h.verifier.verify(token);
      h.clock.advanceSeconds(61);
      expect(await codeOf(h.verifier.verify(token))).to.equal('AUTH_EXPIRED');
    });

    it('rejects a token that is not valid yet (nbf) with AUTH_INVALID', async () => {
      const h = harness({ clockSkewSeconds: 30 });
      const token = hs256(h.claims({ nbf: h.clock.nowSeconds() + 600 }));
      expect(await codeOf(h.verifier.verify(token))).to.equal('AUTH_INVALID');
    });

    it('accepts an nbf within the clock skew', async () => {
      const h = harness({ clockSkewSeconds: 30 });
      const token = hs256(h.claims({ nbf: h.clock.nowSeconds() + 20 }));
      expect((await h.verifier.verify(token)).userId).to.equal(USER_A);
    });

    it('rejects a token without exp', async () => {
      const h = harness();
      const { exp: _exp, ...claims } = h.claims();
      expect(await codeOf(h.verifier.verify(hs256(claims)))).to.equal('AUTH_INVALID');
    });

    it('rejects the wrong audience', async () => {
      const h = harness();
      expect(await codeOf(h.verifier.verify(hs256(h.claims({ aud: 'anon' }))))).to.equal('AUTH_INVALID');
      const { aud: _aud, ...noAud } = h.claims();
      expect(await codeOf(h.verifier.verify(hs256(noAud)))).to.equal('AUTH_INVALID');
    });

    it('honours a configured audience', async () => {
      const h = harness({ audience: 'my-app' });
      expect((await h.verifier.verify(hs256(h.claims({ aud: 'my-app' })))).userId).to.equal(USER_A);
      expect(await codeOf(h.verifier.verify(hs256(h.claims())))).to.equal('AUTH_INVALID');
    });

    it('rejects the wrong issuer', async () => {
      const h = harness();
      expect(await codeOf(h.verifier.verify(hs256(h.claims({ iss: 'https://other.supabase.co/auth/v1' }))))).to.equal('AUTH_INVALID');
      const { iss: _iss, ...noIss } = h.claims();
      expect(await codeOf(h.verifier.verify(hs256(noIss)))).to.equal('AUTH_INVALID');
    });

    it('does not check the issuer when none is configured', async () => {
      const h = harness({ issuer: undefined });
      expect((await h.verifier.verify(hs256(h.claims({ iss: 'anything' })))).userId).to.equal(USER_A);
    });

    it('rejects a token without sub', async () => {
      const h = harness();
      const { sub: _sub, ...claims } = h.claims();
      expect(await codeOf(h.verifier.verify(hs256(claims)))).to.equal('AUTH_INVALID');
    });

    it('rejects a sub that is not a UUID', async () => {
      const h = harness();
      for (const sub of ['admin', '12345', '11111111-1111-4111-8111-11111111111', '', 42]) {
        expect(await codeOf(h.verifier.verify(hs256(h.claims({ sub })))), String(sub)).to.equal('AUTH_INVALID');
      }
    });

    it('returns the user id in lower case', async () => {
      const h = harness();
      const user = await h.verifier.verify(hs256(h.claims({ sub: USER_A.toUpperCase() })));
      expect(user.userId).to.equal(USER_A);
    });
  });

  describe('Supabase API keys are not user tokens', () => {
    it('rejects the anon key (iss supabase, a ref, role anon, no sub)', async () => {
      const h = harness();
      const anon = hs256({ iss: 'supabase', ref: 'abc', role: 'anon', iat: h.clock.nowSeconds() - 60, exp: h.clock.nowSeconds() + 3600 });
      expect(await codeOf(h.verifier.verify(anon))).to.equal('AUTH_INVALID');
    });

    it('rejects the service_role key', async () => {
      const h = harness();
      const service = hs256({
        iss: 'supabase',
        ref: 'abc',
        role: 'service_role',
        iat: h.clock.nowSeconds() - 60,
        exp: h.clock.nowSeconds() + 3600,
      });
      expect(await codeOf(h.verifier.verify(service))).to.equal('AUTH_INVALID');
    });

    it('rejects an API-key role even when every other claim would pass', async () => {
      const h = harness({ issuer: undefined });
      for (const role of ['anon', 'service_role']) {
        expect(await codeOf(h.verifier.verify(hs256(h.claims({ role })))), role).to.equal('AUTH_INVALID');
      }
    });
  });

  describe('ES256 and RS256 through the JWKS', () => {
    let server: FakeJwksServer;
    let ec: SigningKey;
    let rsa: SigningKey;

    before(() => {
      ec = makeSigningKey('ES256', 'ec-key-1');
      rsa = makeSigningKey('RS256', 'rsa-key-1');
    });
    beforeEach(async () => {
      server = await FakeJwksServer.start([ec, rsa]);
    });
    afterEach(async () => server.close());

    it('accepts a valid ES256 token', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      const token = signed(ec, h.claims());
      expect(await h.verifier.verify(token)).to.deep.equal({ userId: USER_A, token, email: 'user@example.com' });
      expect(server.fetches).to.equal(1);
    });

    it('accepts a valid RS256 token', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      expect((await h.verifier.verify(signed(rsa, h.claims()))).userId).to.equal(USER_A);
    });

    it('caches the JWKS between tokens', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      await h.verifier.verify(signed(ec, h.claims()));
      await h.verifier.verify(signed(rsa, h.claims()));
      await h.verifier.verify(signed(ec, h.claims()));
      expect(server.fetches).to.equal(1);
    });

    it('shares one fetch between concurrent verifications', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      await Promise.all([1, 2, 3, 4].map(() => h.verifier.verify(signed(ec, h.claims()))));
      expect(server.fetches).to.equal(1);
    });

    it('rejects a wrong signature', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      const impostor = makeSigningKey('ES256', ec.kid);
      expect(await codeOf(h.verifier.verify(signed(impostor, h.claims())))).to.equal('AUTH_INVALID');
      const [header, payload] = signed(ec, h.claims()).split('.');
      const [, , otherSignature] = signed(ec, h.claims({ email: 'other@example.com' })).split('.');
      expect(await codeOf(h.verifier.verify(`${header}.${payload}.${otherSignature}`))).to.equal('AUTH_INVALID');
    });

    it('rejects ES256 and RS256 when they are not on the allow-list', async () => {
      const h = harness({ jwksUrl: server.jwksUrl, allowedAlgorithms: ['HS256'] });
      expect(await codeOf(h.verifier.verify(signed(ec, h.claims())))).to.equal('AUTH_INVALID');
      expect(await codeOf(h.verifier.verify(signed(rsa, h.claims())))).to.equal('AUTH_INVALID');
    });

    it('rejects an asymmetric token when no JWKS is configured', async () => {
      const h = harness();
      expect(await codeOf(h.verifier.verify(signed(ec, h.claims())))).to.equal('AUTH_INVALID');
    });

    it('rejects a token without kid', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      const token = jwt.sign(h.claims(), ec.privateKey, { algorithm: 'ES256', noTimestamp: true });
      expect(await codeOf(h.verifier.verify(token))).to.equal('AUTH_INVALID');
    });

    it('rejects a token whose algorithm does not match its key type', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      // An RS256 token naming the EC key, and an ES256 token naming the RSA key.
      expect(await codeOf(h.verifier.verify(signed(rsa, h.claims(), ec.kid)))).to.equal('AUTH_INVALID');
      expect(await codeOf(h.verifier.verify(signed(ec, h.claims(), rsa.kid)))).to.equal('AUTH_INVALID');
    });

    it('rejects algorithm confusion: HS256 "signed" with the public key PEM', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      for (const key of [ec, rsa]) {
        const token = handMade({ alg: 'HS256', typ: 'JWT', kid: key.kid }, h.claims(), key.publicPem);
        expect(await codeOf(h.verifier.verify(token)), key.alg).to.equal('AUTH_INVALID');
      }
    });

    it('rejects algorithm confusion also when HS256 has no secret of its own', async () => {
      const h = harness({ jwksUrl: server.jwksUrl, hmacSecret: undefined });
      const token = handMade({ alg: 'HS256', typ: 'JWT', kid: ec.kid }, h.claims(), ec.publicPem);
      expect(await codeOf(h.verifier.verify(token))).to.equal('AUTH_INVALID');
    });

    it('checks the claims of asymmetric tokens too', async () => {
      const h = harness({ jwksUrl: server.jwksUrl });
      expect(await codeOf(h.verifier.verify(signed(ec, h.claims({ exp: h.clock.nowSeconds() - 3600 }))))).to.equal('AUTH_EXPIRED');
      expect(await codeOf(h.verifier.verify(signed(ec, h.claims({ aud: 'anon' }))))).to.equal('AUTH_INVALID');
      expect(await codeOf(h.verifier.verify(signed(rsa, h.claims({ iss: 'https://evil.example.com/auth/v1' }))))).to.equal('AUTH_INVALID');
    });

    describe('key rotation', () => {
      it('refetches once on an unknown kid and accepts the new key', async () => {
        const h = harness({ jwksUrl: server.jwksUrl, refetchIntervalSeconds: 30 });
        await h.verifier.verify(signed(ec, h.claims()));
        expect(server.fetches).to.equal(1);

        const next = makeSigningKey('ES256', 'ec-key-2');
        server.setKeys(ec, next); // both valid during a rotation
        h.clock.advanceSeconds(5);
        expect((await h.verifier.verify(signed(next, h.claims()))).userId).to.equal(USER_A);
        expect(server.fetches).to.equal(2);
        // The old key is still valid and the new one is now cached.
        await h.verifier.verify(signed(ec, h.claims()));
        await h.verifier.verify(signed(next, h.claims()));
        expect(server.fetches).to.equal(2);
      });

      it('does not refetch for a second unknown kid within the refetch interval', async () => {
        const h = harness({ jwksUrl: server.jwksUrl, refetchIntervalSeconds: 30 });
        await h.verifier.verify(signed(ec, h.claims()));
        const forged1 = makeSigningKey('ES256', 'unknown-1');
        const forged2 = makeSigningKey('ES256', 'unknown-2');

        expect(await codeOf(h.verifier.verify(signed(forged1, h.claims())))).to.equal('AUTH_INVALID');
        expect(server.fetches).to.equal(2);
        h.clock.advanceSeconds(29);
        expect(await codeOf(h.verifier.verify(signed(forged2, h.claims())))).to.equal('AUTH_INVALID');
        expect(await codeOf(h.verifier.verify(signed(forged1, h.claims())))).to.equal('AUTH_INVALID');
        expect(server.fetches).to.equal(2);

        // Once the interval has passed, an unknown kid may refetch again.
        h.clock.advanceSeconds(1);
        expect(await codeOf(h.verifier.verify(signed(forged2, h.claims())))).to.equal('AUTH_INVALID');
        expect(server.fetches).to.equal(3);
      });

      it('fetches once, not twice, for an unknown kid on a cold cache', async () => {
        const h = harness({ jwksUrl: server.jwksUrl });
        const forged = makeSigningKey('ES256', 'unknown-1');
        expect(await codeOf(h.verifier.verify(signed(forged, h.claims())))).to.equal('AUTH_INVALID');
        expect(server.fetches).to.equal(1);
      });
    });

    describe('cache expiry', () => {
      it('refetches the JWKS after cacheSeconds', async () => {
        const h = harness({ jwksUrl: server.jwksUrl, cacheSeconds: 60 });
        await h.verifier.verify(signed(ec, h.claims()));
        h.clock.advanceSeconds(60);
        await h.verifier.verify(signed(ec, h.claims()));
        expect(server.fetches).to.equal(1);
        h.clock.advanceSeconds(1);
        await h.verifier.verify(signed(ec, h.claims()));
        expect(server.fetches).to.equal(2);
      });

      it('stops accepting a removed key once the cache expires', async () => {
        const h = harness({ jwksUrl: server.jwksUrl, cacheSeconds: 60 });
        await h.verifier.verify(signed(rsa, h.claims()));
        server.setKeys(ec); // the RSA key is revoked
        h.clock.advanceSeconds(30);
        expect((await h.verifier.verify(signed(rsa, h.claims()))).userId).to.equal(USER_A);
        h.clock.advanceSeconds(31);
        expect(await codeOf(h.verifier.verify(signed(rsa, h.claims())))).to.equal('AUTH_INVALID');
      });
    });

    describe('JWKS failures', () => {
      it('answers UPSTREAM_UNAVAILABLE when the JWKS is unreachable and no key is cached', async () => {
        const h = harness({ jwksUrl: await unreachableUrl() });
        const err = await rejectionOf(h.verifier.verify(signed(ec, h.claims())));
        expect(err).to.be.instanceOf(AppError);
        expect((err as AppError).code).to.equal('UPSTREAM_UNAVAILABLE');
        expect((err as AppError).retryAfterSeconds).to.be.a('number');
        expect(h.logs.text()).to.contain('JWKS fetch failed');
      });

      it('answers UPSTREAM_UNAVAILABLE when the JWKS answers 5xx and no key is cached', async () => {
        server.failWithStatus = 503;
        const h = harness({ jwksUrl: server.jwksUrl });
        expect(await codeOf(h.verifier.verify(signed(ec, h.claims())))).to.equal('UPSTREAM_UNAVAILABLE');
      });

      it('keeps serving the cached keys during a JWKS outage', async () => {
        const h = harness({ jwksUrl: server.jwksUrl, cacheSeconds: 60 });
        await h.verifier.verify(signed(ec, h.claims()));
        server.failWithStatus = 500;
        h.clock.advanceSeconds(120);
        expect((await h.verifier.verify(signed(ec, h.claims()))).userId).to.equal(USER_A);
        expect(server.fetches).to.equal(2);
      });

      it('answers UPSTREAM_CONTRACT for a JWKS document without keys', async () => {
        server.bodyOverride = { not: 'a jwks' };
        const h = harness({ jwksUrl: server.jwksUrl });
        expect(await codeOf(h.verifier.verify(signed(ec, h.claims())))).to.equal('UPSTREAM_CONTRACT');
      });

      it('skips JWKS entries that are not usable signing keys', async () => {
        const attackerSecret = 'an-attacker-chosen-secret-of-32-chars!';
        server.keys = [
          { ...ec.jwk, use: 'enc' },
          { kid: 'broken', kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' },
          { kid: 'symmetric', kty: 'oct', k: Buffer.from(attackerSecret).toString('base64url') },
          rsa.jwk,
        ];
        const h = harness({ jwksUrl: server.jwksUrl });
        expect((await h.verifier.verify(signed(rsa, h.claims()))).userId).to.equal(USER_A);
        // An encryption key is not a signing key.
        expect(await codeOf(h.verifier.verify(signed(ec, h.claims())))).to.equal('AUTH_INVALID');
        // A symmetric key published in the JWKS is never used, whatever the token's algorithm.
        const viaOct = jwt.sign(h.claims(), attackerSecret, { algorithm: 'HS256', keyid: 'symmetric', noTimestamp: true });
        expect(await codeOf(h.verifier.verify(viaOct))).to.equal('AUTH_INVALID');
        const esNamingOct = signed(ec, h.claims(), 'symmetric');
        expect(await codeOf(h.verifier.verify(esNamingOct))).to.equal('AUTH_INVALID');
        expect(h.logs.text()).to.contain('broken');
      });
    });
  });
});

describe('SupabaseAccessTokenVerifier: verified tokens kept for a few seconds', () => {
  it('answers the same token again without checking it, and drops it at its expiry', async () => {
    const h = harness();
    const token = hs256(h.claims({ exp: h.clock.nowSeconds() + 10 }));
    const first = await h.verifier.verify(token);
    const verify = sinon.spy(jwt, 'verify');
    try {
      expect(await h.verifier.verify(token)).to.deep.equal(first);
      expect(verify.called, 'a cached token is not checked again').to.equal(false);
      h.clock.advanceMs(10_000);
      // Past `exp` the token is checked again (and passes within the clock skew).
      await h.verifier.verify(token);
      expect(verify.calledOnce).to.equal(true);
    } finally {
      verify.restore();
    }
  });

  it('keeps a token no longer than its own lifetime, whatever the token says', async () => {
    const h = harness();
    const token = hs256(h.claims());
    await h.verifier.verify(token);
    const verify = sinon.spy(jwt, 'verify');
    try {
      h.clock.advanceMs(VERIFIED_TOKEN_TTL_MS);
      await h.verifier.verify(token);
      expect(verify.calledOnce).to.equal(true);
    } finally {
      verify.restore();
    }
  });

  it('never keeps a refused token, and the cached answer carries the token it was asked about', async () => {
    const h = harness();
    const bad = hs256(h.claims(), 'another-secret-that-is-long-enough-000');
    expect(await codeOf(h.verifier.verify(bad))).to.equal('AUTH_INVALID');
    expect(await codeOf(h.verifier.verify(bad))).to.equal('AUTH_INVALID');
    const token = hs256(h.claims());
    await h.verifier.verify(token);
    expect((await h.verifier.verify(token)).token).to.equal(token);
  });
});

describe('VerifiedTokenCache', () => {
  it('is bounded: the oldest entry goes first', () => {
    const cache = new VerifiedTokenCache(30_000, 2);
    const exp = 2_000_000_000;
    cache.put('a', { userId: 'u-a', email: undefined }, exp, 0);
    cache.put('b', { userId: 'u-b', email: undefined }, exp, 0);
    cache.put('c', { userId: 'u-c', email: undefined }, exp, 0);
    expect(cache.size).to.equal(2);
    expect(cache.get('a', 1)).to.equal(undefined);
    expect(cache.get('c', 1)?.userId).to.equal('u-c');
  });

  it('keys by a hash: the token itself is not kept', () => {
    const key = VerifiedTokenCache.key('header.payload.signature');
    expect(key).not.to.contain('payload');
    expect(key).to.equal(VerifiedTokenCache.key('header.payload.signature'));
  });
});
