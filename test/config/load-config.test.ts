import { expect } from 'chai';
import { DEV_JWT_SECRET } from '../../src/config/config';
import { ConfigError, loadConfig, secretValues } from '../../src/config/load-config';
import { SETTINGS } from '../../src/config/settings';
import { thrownBy } from '../support/async';

const REQUIRED_IN_PRODUCTION = [
  'SUPABASE_URL',
  'SUPABASE_ANON_KEY',
  'EDGE_FUNCTION_URL',
  'LITELLM_URL',
  'LITELLM_MASTER_KEY',
  'JWT_SECRET_KEY',
];

const PRODUCTION: Record<string, string> = {
  NODE_ENV: 'production',
  SUPABASE_URL: 'https://abcdefgh.supabase.co',
  SUPABASE_ANON_KEY: 'anon-key-value',
  EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1/conversation-manager',
  LITELLM_URL: 'https://litellm.example.com',
  LITELLM_MASTER_KEY: 'sk-master-key-value',
  JWT_SECRET_KEY: 'a-production-secret-of-at-least-32-chars',
  METRICS_TOKEN: 'a-metrics-token-for-prometheus',
};

/** A project secret, for configurations that point at a real upstream outside production. */
const OWN_SECRET = { JWT_SECRET_KEY: PRODUCTION.JWT_SECRET_KEY as string };

function configError(env: Record<string, string>): ConfigError {
  const err = thrownBy(() => loadConfig(env));
  expect(err).to.be.instanceOf(ConfigError);
  return err as ConfigError;
}

/** Asserts that the env fails with exactly one problem, naming `variable`, and returns it. */
function onlyProblem(env: Record<string, string>, variable: string): string {
  const err = configError(env);
  expect(err.problems, err.message).to.have.length(1);
  expect(err.problems[0]).to.contain(variable);
  expect(err.message).to.contain(variable);
  return err.problems[0] as string;
}

describe('loadConfig', () => {
  describe('the embedded default', () => {
    it('starts with an empty environment on in-memory adapters and the development secret', () => {
      const config = loadConfig({});
      expect(config.nodeEnv).to.equal('development');
      expect(config.isProduction).to.equal(false);
      expect(config.port).to.equal(8000);
      expect(config.host).to.equal('0.0.0.0');
      expect(config.logLevel).to.equal('info');
      expect(config.jwtAlgorithm).to.equal('HS256');
      expect(config.jwtAllowedAlgorithms).to.deep.equal(['HS256', 'ES256', 'RS256']);
      expect(config.jwtAudience).to.equal('authenticated');
      expect(config.jwksCacheSeconds).to.equal(600);
      expect(config.jwtClockSkewSeconds).to.equal(30);
      expect(config.corsOrigins).to.deep.equal([]);
      expect(config.enableMetrics).to.equal(true);
      expect(config.trustProxy).to.equal(false);
      expect(config.bodyLimitBytes).to.equal(1048576);
      for (const upstream of ['supabaseUrl', 'edgeFunctionUrl', 'litellmUrl', 'redisUrl', 'jwtSecretKey'] as const) {
        expect(config[upstream], upstream).to.equal(undefined);
      }
      expect(config.jwtSecret).to.equal(DEV_JWT_SECRET);
      expect(config.usesDevJwtSecret).to.equal(true);
      expect(config.expectedIssuer).to.equal(undefined);
      expect(config.effectiveJwksUrl).to.equal(undefined);
      expect(config.version).to.match(/^\d+\.\d+\.\d+/);
      expect(Object.isFrozen(config)).to.equal(true);
    });

    it('treats blank variables as unset', () => {
      const config = loadConfig({ PORT: '  ', SUPABASE_URL: '' });
      expect(config.port).to.equal(8000);
      expect(config.supabaseUrl).to.equal(undefined);
    });
  });

  describe('production', () => {
    it('fails with one ConfigError naming every missing required variable', () => {
      const err = configError({ NODE_ENV: 'production', ENABLE_METRICS: 'false' });
      for (const name of REQUIRED_IN_PRODUCTION) expect(err.message).to.contain(name);
      expect(err.problems).to.have.length(REQUIRED_IN_PRODUCTION.length);
      expect(err.problems.join('\n')).to.match(/required in production/);
    });

    it('requires exactly the settings marked as required in production', () => {
      const marked = Object.values(SETTINGS)
        .filter((s) => 'requiredInProduction' in s && s.requiredInProduction)
        .map((s) => s.env);
      expect(marked).to.have.members(REQUIRED_IN_PRODUCTION);
    });

    it('names only the one that is missing', () => {
      const { LITELLM_URL: _omitted, ...env } = PRODUCTION;
      expect(onlyProblem(env, 'LITELLM_URL')).to.contain('required in production');
    });

    it('reports missing and invalid settings together', () => {
      const err = configError({ NODE_ENV: 'production', PORT: 'eighty', ENABLE_METRICS: 'false' });
      expect(err.problems).to.have.length(REQUIRED_IN_PRODUCTION.length + 1);
      expect(err.message).to.contain('PORT');
    });

    it('starts when everything required is set, with the configured secret', () => {
      const config = loadConfig(PRODUCTION);
      expect(config.isProduction).to.equal(true);
      expect(config.jwtSecret).to.equal(PRODUCTION.JWT_SECRET_KEY);
      expect(config.usesDevJwtSecret).to.equal(false);
    });

    it('refuses * in CORS_ORIGINS', () => {
      onlyProblem({ ...PRODUCTION, CORS_ORIGINS: 'https://app.example.com,*' }, 'CORS_ORIGINS');
    });

    it('accepts an explicit CORS allow-list', () => {
      expect(loadConfig({ ...PRODUCTION, CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' }).corsOrigins).to.deep.equal([
        'https://app.example.com',
        'https://admin.example.com',
      ]);
    });
  });

  describe('each bad setting is named', () => {
    const cases: [string, Record<string, string>, string, RegExp?][] = [
      ['non-numeric PORT', { PORT: 'eighty' }, 'PORT', /number/],
      ['PORT above 65535', { PORT: '70000' }, 'PORT', /between 0 and 65535/],
      ['fractional PORT', { PORT: '80.5' }, 'PORT', /integer/],
      ['negative PORT', { PORT: '-1' }, 'PORT'],
      ['JWKS_CACHE_SECONDS above Supabase’s 600', { JWKS_CACHE_SECONDS: '601' }, 'JWKS_CACHE_SECONDS', /between 1 and 600/],
      ['zero BODY_LIMIT_BYTES', { BODY_LIMIT_BYTES: '0' }, 'BODY_LIMIT_BYTES'],
      ['JWT_CLOCK_SKEW_SECONDS above 300', { JWT_CLOCK_SKEW_SECONDS: '301' }, 'JWT_CLOCK_SKEW_SECONDS'],
      ['SUPABASE_URL without a scheme', { SUPABASE_URL: 'abcdefgh.supabase.co' }, 'SUPABASE_URL'],
      ['SUPABASE_URL with another scheme', { SUPABASE_URL: 'ftp://abcdefgh.supabase.co' }, 'SUPABASE_URL'],
      ['LITELLM_URL with a space', { LITELLM_URL: 'http://lite llm' }, 'LITELLM_URL'],
      ['JWKS_URL that is not a URL', { JWKS_URL: 'jwks.json' }, 'JWKS_URL'],
      [
        'EDGE_FUNCTION_URL not ending in /conversation-manager',
        { EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1' },
        'EDGE_FUNCTION_URL',
        /conversation-manager/,
      ],
      [
        'EDGE_FUNCTION_URL of another function',
        { EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1/conversation-manager-v2' },
        'EDGE_FUNCTION_URL',
      ],
      ['REDIS_URL with an http scheme', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL', /redis:\/\//],
      ['unknown LOG_LEVEL', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', /trace/],
      ['unknown NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV'],
      ['bad boolean', { ENABLE_METRICS: 'maybe' }, 'ENABLE_METRICS', /true or false/],
      ['bad TRUST_PROXY boolean', { TRUST_PROXY: '2' }, 'TRUST_PROXY'],
      ['short JWT secret', { JWT_SECRET_KEY: 'too-short-secret' }, 'JWT_SECRET_KEY', /32/],
      ['unknown JWT_ALGORITHM', { JWT_ALGORITHM: 'RS256' }, 'JWT_ALGORITHM'],
      ['`none` in JWT_ALLOWED_ALGORITHMS', { JWT_ALLOWED_ALGORITHMS: 'HS256,none' }, 'JWT_ALLOWED_ALGORITHMS'],
      ['unknown algorithm in JWT_ALLOWED_ALGORITHMS', { JWT_ALLOWED_ALGORITHMS: 'ES256,PS512' }, 'JWT_ALLOWED_ALGORITHMS'],
      ['CORS origin with a path', { CORS_ORIGINS: 'https://app.example.com/path' }, 'CORS_ORIGINS'],
    ];
    for (const [label, env, variable, message] of cases) {
      it(label, () => {
        const problem = onlyProblem(env, variable);
        if (message) expect(problem).to.match(message);
      });
    }

    it('names every bad setting at once', () => {
      const err = configError({ PORT: 'x', LOG_LEVEL: 'loud', ENABLE_METRICS: 'perhaps', REDIS_URL: 'memcached://x' });
      expect(err.problems).to.have.length(4);
      for (const name of ['PORT', 'LOG_LEVEL', 'ENABLE_METRICS', 'REDIS_URL']) expect(err.message).to.contain(name);
    });

    it('never quotes the value of a bad secret', () => {
      const err = configError({ JWT_SECRET_KEY: 'hunter2-secret', REDIS_URL: 'http://user:pa55word@redis:6379' });
      expect(err.message).not.to.contain('hunter2-secret');
      expect(err.message).not.to.contain('pa55word');
    });
  });

  describe('values', () => {
    it('accepts LOG_LEVEL case-insensitively', () => {
      expect(loadConfig({ LOG_LEVEL: 'INFO' }).logLevel).to.equal('info');
      expect(loadConfig({ LOG_LEVEL: ' Debug ' }).logLevel).to.equal('debug');
    });

    it('reads booleans in their usual spellings', () => {
      for (const yes of ['true', 'TRUE', '1', 'yes', 'on']) expect(loadConfig({ TRUST_PROXY: yes }).trustProxy, yes).to.equal(true);
      for (const no of ['false', 'False', '0', 'no', 'off']) expect(loadConfig({ ENABLE_METRICS: no }).enableMetrics, no).to.equal(false);
    });

    it('reads numbers and lists', () => {
      const config = loadConfig({ PORT: '0', BODY_LIMIT_BYTES: '2048', JWT_ALLOWED_ALGORITHMS: ' ES256 , RS256 ' });
      expect(config.port).to.equal(0);
      expect(config.bodyLimitBytes).to.equal(2048);
      expect(config.jwtAllowedAlgorithms).to.deep.equal(['ES256', 'RS256']);
    });

    it('accepts redis:// and rediss:// URLs', () => {
      expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisUrl).to.equal('redis://127.0.0.1:6379/0');
      expect(loadConfig({ REDIS_URL: 'rediss://default:pw@redis.example.com:6380' }).redisUrl).to.equal(
        'rediss://default:pw@redis.example.com:6380',
      );
    });
  });

  describe('derived values', () => {
    it('needs SUPABASE_ANON_KEY whenever a Supabase upstream is configured, in any environment', () => {
      for (const env of [
        { SUPABASE_URL: 'https://abcdefgh.supabase.co' },
        { EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1/conversation-manager' },
      ]) {
        const err = thrownBy(() => loadConfig(env));
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).message).to.contain('SUPABASE_ANON_KEY');
      }
    });

    it('derives the issuer and the JWKS URL from SUPABASE_URL', () => {
      const config = loadConfig({ SUPABASE_URL: 'https://abcdefgh.supabase.co', SUPABASE_ANON_KEY: 'anon-key', ...OWN_SECRET });
      expect(config.expectedIssuer).to.equal('https://abcdefgh.supabase.co/auth/v1');
      expect(config.effectiveJwksUrl).to.equal('https://abcdefgh.supabase.co/auth/v1/.well-known/jwks.json');
    });

    it('strips trailing slashes from the upstream URLs', () => {
      const config = loadConfig({
        SUPABASE_URL: 'https://abcdefgh.supabase.co//',
        SUPABASE_ANON_KEY: 'anon-key',
        EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1/conversation-manager/',
        LITELLM_URL: 'http://litellm:4000/',
        ...OWN_SECRET,
      });
      expect(config.supabaseUrl).to.equal('https://abcdefgh.supabase.co');
      expect(config.edgeFunctionUrl).to.equal('https://abcdefgh.supabase.co/functions/v1/conversation-manager');
      expect(config.litellmUrl).to.equal('http://litellm:4000');
      expect(config.expectedIssuer).to.equal('https://abcdefgh.supabase.co/auth/v1');
      expect(config.effectiveJwksUrl).to.equal('https://abcdefgh.supabase.co/auth/v1/.well-known/jwks.json');
    });

    it('lets JWT_ISSUER and JWKS_URL override the derived values', () => {
      const config = loadConfig({
        SUPABASE_URL: 'https://abcdefgh.supabase.co',
        SUPABASE_ANON_KEY: 'anon-key',
        JWT_ISSUER: 'https://auth.example.com',
        JWKS_URL: 'https://auth.example.com/keys',
        ...OWN_SECRET,
      });
      expect(config.expectedIssuer).to.equal('https://auth.example.com');
      expect(config.effectiveJwksUrl).to.equal('https://auth.example.com/keys');
    });

    it('uses the development secret only outside production and only when none is set', () => {
      const dev = loadConfig({ NODE_ENV: 'development' });
      expect(dev).to.include({ jwtSecret: DEV_JWT_SECRET, usesDevJwtSecret: true });
      const test = loadConfig({ NODE_ENV: 'test' });
      expect(test).to.include({ jwtSecret: DEV_JWT_SECRET, usesDevJwtSecret: true });
      const own = loadConfig({ JWT_SECRET_KEY: PRODUCTION.JWT_SECRET_KEY as string });
      expect(own).to.include({ jwtSecret: PRODUCTION.JWT_SECRET_KEY, usesDevJwtSecret: false });
      const prod = loadConfig(PRODUCTION);
      expect(prod.jwtSecret).to.equal(PRODUCTION.JWT_SECRET_KEY);
      expect(prod.jwtSecret).not.to.equal(DEV_JWT_SECRET);
      expect(prod.usesDevJwtSecret).to.equal(false);
    });

    it('lists the secret values for the log redactor', () => {
      const secrets = secretValues(loadConfig({ ...PRODUCTION, REDIS_URL: 'redis://default:pw@redis:6379' }));
      expect(secrets).to.include.members([
        PRODUCTION.SUPABASE_ANON_KEY,
        PRODUCTION.LITELLM_MASTER_KEY,
        PRODUCTION.JWT_SECRET_KEY,
        'redis://default:pw@redis:6379',
      ]);
      expect(secrets).not.to.include(PRODUCTION.SUPABASE_URL);
      expect(secretValues(loadConfig({}))).to.deep.equal([DEV_JWT_SECRET]);
    });
  });
});

describe('loadConfig: unsafe combinations stop start-up', () => {
  describe('metrics in production', () => {
    it('refuses metrics that nothing protects, saying what to set', () => {
      const { METRICS_TOKEN: _omitted, ...unprotected } = PRODUCTION;
      const problem = onlyProblem(unprotected, 'METRICS_TOKEN');
      expect(problem).to.contain('/metrics would be public');
      expect(problem).to.contain('METRICS_PORT');
      expect(problem).to.contain('ENABLE_METRICS=false');
    });

    it('starts with METRICS_TOKEN, with METRICS_PORT (listening on loopback by default), or with metrics off', () => {
      const { METRICS_TOKEN: _omitted, ...unprotected } = PRODUCTION;
      expect(loadConfig(PRODUCTION).metricsToken).to.equal(PRODUCTION.METRICS_TOKEN);
      const port = loadConfig({ ...unprotected, METRICS_PORT: '9091' });
      expect(port).to.include({ metricsPort: 9091, metricsHost: '127.0.0.1', metricsToken: undefined });
      expect(loadConfig({ ...unprotected, METRICS_PORT: '9091', METRICS_HOST: '::' }).metricsHost).to.equal('::');
      expect(loadConfig({ ...unprotected, ENABLE_METRICS: 'false' }).enableMetrics).to.equal(false);
    });

    it('leaves development metrics open (no scraper to set up on a laptop)', () => {
      expect(loadConfig({}).enableMetrics).to.equal(true);
    });

    it('refuses METRICS_PORT equal to PORT', () => {
      onlyProblem({ PORT: '8000', METRICS_PORT: '8000' }, 'METRICS_PORT');
    });
  });

  describe('the development JWT secret', () => {
    const upstreams: [string, Record<string, string>][] = [
      ['SUPABASE_URL', { SUPABASE_URL: 'https://abcdefgh.supabase.co', SUPABASE_ANON_KEY: 'anon-key' }],
      [
        'EDGE_FUNCTION_URL',
        { EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1/conversation-manager', SUPABASE_ANON_KEY: 'anon-key' },
      ],
      ['LITELLM_URL', { LITELLM_URL: 'https://litellm.example.com' }],
      ['JWKS_URL', { JWKS_URL: 'https://auth.example.com/keys' }],
    ];
    for (const [name, env] of upstreams) {
      for (const nodeEnv of [undefined, 'development', 'test']) {
        it(`is refused with ${name} set and NODE_ENV ${nodeEnv ?? 'unset'}: start-up fails naming JWT_SECRET_KEY and ${name}`, () => {
          const problem = onlyProblem({ ...env, ...(nodeEnv ? { NODE_ENV: nodeEnv } : {}) }, 'JWT_SECRET_KEY');
          expect(problem).to.contain(name);
          expect(problem).to.contain('development secret is public');
        });
      }
    }

    it('is used while every upstream is embedded (Redis is only a cache of them)', () => {
      expect(loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:6379' })).to.include({
        jwtSecret: DEV_JWT_SECRET,
        usesDevJwtSecret: true,
      });
    });

    it('is not needed with a real upstream when only JWKS-signed tokens are allowed, and then no secret is in force', () => {
      const config = loadConfig({ ...upstreams[0]![1], JWT_ALLOWED_ALGORITHMS: 'ES256,RS256' });
      expect(config).to.include({ jwtSecret: undefined, usesDevJwtSecret: false });
    });

    it('gives way to JWT_SECRET_KEY with a real upstream', () => {
      expect(loadConfig({ ...upstreams[2]![1], ...OWN_SECRET })).to.include({
        jwtSecret: OWN_SECRET.JWT_SECRET_KEY,
        usesDevJwtSecret: false,
      });
    });

    it('is refused as JWT_SECRET_KEY in production', () => {
      expect(onlyProblem({ ...PRODUCTION, JWT_SECRET_KEY: DEV_JWT_SECRET }, 'JWT_SECRET_KEY')).to.contain('public development secret');
    });
  });

  describe('JWT_ALGORITHM', () => {
    it('outside JWT_ALLOWED_ALGORITHMS fails start-up', () => {
      const problem = onlyProblem({ JWT_ALGORITHM: 'HS384' }, 'JWT_ALGORITHM');
      expect(problem).to.contain('JWT_ALLOWED_ALGORITHMS (HS256,ES256,RS256)');
      onlyProblem({ JWT_ALGORITHM: 'HS512', JWT_ALLOWED_ALGORITHMS: 'ES256' }, 'JWT_ALGORITHM');
      onlyProblem({ JWT_ALLOWED_ALGORITHMS: 'HS512,ES256' }, 'JWT_ALGORITHM');
    });

    it('may keep its default when only JWKS algorithms are allowed (no HMAC token is signed or accepted)', () => {
      expect(loadConfig({ JWT_ALLOWED_ALGORITHMS: 'ES256,RS256' }).jwtAllowedAlgorithms).to.deep.equal(['ES256', 'RS256']);
    });

    it('inside the list starts', () => {
      expect(loadConfig({ JWT_ALGORITHM: 'HS512', JWT_ALLOWED_ALGORITHMS: 'HS512' }).jwtAlgorithm).to.equal('HS512');
    });
  });

  it('refuses JWKS_MAX_STALE_SECONDS below JWKS_CACHE_SECONDS', () => {
    onlyProblem({ JWKS_CACHE_SECONDS: '600', JWKS_MAX_STALE_SECONDS: '60' }, 'JWKS_MAX_STALE_SECONDS');
  });
});
