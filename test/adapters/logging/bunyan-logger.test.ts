import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { REDACTED } from '../../../src/adapters/logging/redact';
import { loadConfig, secretValues } from '../../../src/config/load-config';
import { LogCollector } from '../../support/log-collector';
import { devToken } from '../../support/tokens';

describe('createLogger', () => {
  const config = loadConfig({
    LITELLM_MASTER_KEY: 'master-key-value-0001',
    SUPABASE_ANON_KEY: 'anon-key-value-0001',
    JWT_SECRET_KEY: 'jwt-secret-value-of-at-least-32-characters',
  });

  function logger(level: 'info' | 'warn' = 'info'): { log: ReturnType<typeof createLogger>; lines: LogCollector } {
    const lines = new LogCollector();
    return { log: createLogger('test', { level, stream: lines, secrets: secretValues(config) }), lines };
  }

  it('writes one JSON line per record with bunyan fields', () => {
    const { log, lines } = logger();
    log.info({ request_id: 'r-1' }, 'hello');
    log.debug({}, 'below the level');
    const records = lines.records();
    expect(records).to.have.length(1);
    expect(records[0]).to.include({ name: 'test', msg: 'hello', request_id: 'r-1', level: 30 });
    expect(records[0]?.time).to.be.a('string');
  });

  it('redacts secret fields, bearer tokens, JWTs and configured secrets in every record', () => {
    const { log, lines } = logger();
    const token = devToken();
    log.info(
      {
        headers: { Authorization: `Bearer ${token}`, apikey: config.supabaseAnonKey },
        profile: { litellm_key: 'sk-user-0123456789' },
        upstream: `LiteLLM answered 401 for key master-key-value-0001 and Bearer ${token}`,
        signed_with: config.jwtSecret,
      },
      `forwarding ${token}`,
    );
    const text = lines.text();
    for (const secret of [token, 'anon-key-value-0001', 'sk-user-0123456789', 'master-key-value-0001', config.jwtSecret as string]) {
      expect(text).not.to.contain(secret);
    }
    const record = lines.records()[0] as Record<string, unknown>;
    expect(record.headers).to.deep.equal({ Authorization: REDACTED, apikey: REDACTED });
    expect(record.msg).to.equal(`forwarding ${REDACTED}`);
  });

  it('redacts errors serialised by bunyan, message and stack included', () => {
    const { log, lines } = logger();
    const token = devToken();
    log.error({ err: new Error(`upstream rejected Bearer ${token} with master-key-value-0001`) }, 'call failed');
    const text = lines.text();
    expect(text).not.to.contain(token);
    expect(text).not.to.contain('master-key-value-0001');
    const err = lines.records()[0]?.err as { message: string; stack: string };
    expect(err.message).to.contain('upstream rejected');
    expect(err.stack).to.contain('upstream rejected');
  });

  it('redacts the fields of child loggers too', () => {
    const { log, lines } = logger();
    log.child({ apikey: 'anon-key-value-0001', component: 'audit' }).warn({ token: 'abc' }, 'child');
    const record = lines.records()[0] as Record<string, unknown>;
    expect(record).to.include({ apikey: REDACTED, token: REDACTED, component: 'audit' });
  });

  it('does not throw on a circular record', () => {
    const { log, lines } = logger();
    const upstream: Record<string, unknown> = { status: 502 };
    upstream.request = { upstream };
    expect(() => log.warn({ upstream }, 'circular')).not.to.throw();
    expect(lines.records()[0]).to.include({ msg: 'circular' });
  });
});
