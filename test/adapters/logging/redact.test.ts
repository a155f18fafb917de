import { expect } from 'chai';
import { redact, redactedJson, REDACTED } from '../../../src/adapters/logging/redact';
import { devToken } from '../../support/tokens';

const JWT = devToken();

describe('redact', () => {
  it('replaces secret fields whatever their case or nesting', () => {
    const out = redact({
      headers: {
        Authorization: `Bearer ${JWT}`,
        authorization: 'Basic dXNlcjpwYXNz',
        apikey: 'anon-key',
        'x-api-key': 'k1',
        cookie: 'sid=1',
      },
      profile: { id: 'u1', litellm_key: 'sk-user-key-0123456789', 'litellm-key': 'sk-other', litellmKey: 'sk-camel' },
      list: [{ api_key: 'k2' }, { password: 'pw', token: 't', access_token: 'at', refresh_token: 'rt' }],
      master_key: 'mk',
      service_key: 'svc',
      secret: 's',
    }) as Record<string, unknown>;
    expect(out).to.deep.equal({
      headers: { Authorization: REDACTED, authorization: REDACTED, apikey: REDACTED, 'x-api-key': REDACTED, cookie: REDACTED },
      profile: { id: 'u1', litellm_key: REDACTED, 'litellm-key': REDACTED, litellmKey: REDACTED },
      list: [{ api_key: REDACTED }, { password: REDACTED, token: REDACTED, access_token: REDACTED, refresh_token: REDACTED }],
      master_key: REDACTED,
      service_key: REDACTED,
      secret: REDACTED,
    });
  });

  it('replaces a secret field even when its value is not a string', () => {
    expect(redact({ authorization: ['Bearer a', 'Bearer b'], apikey: { value: 'k' }, token: 12345 })).to.deep.equal({
      authorization: REDACTED,
      apikey: REDACTED,
      token: REDACTED,
    });
  });

  it('replaces the token after "Bearer" inside any string', () => {
    expect(redact('upstream said: invalid header Bearer abc.def-ghi_jkl for user')).to.equal(
      `upstream said: invalid header Bearer ${REDACTED} for user`,
    );
    expect(redact({ msg: 'sent bearer x' })).to.deep.equal({ msg: `sent bearer ${REDACTED}` });
  });

  it('replaces JWT-looking strings anywhere', () => {
    const out = redact({ note: `token was ${JWT}.`, nested: [{ deep: JWT }] });
    expect(JSON.stringify(out)).not.to.contain(JWT.split('.')[1]);
    expect(out).to.deep.equal({ note: `token was ${REDACTED}.`, nested: [{ deep: REDACTED }] });
  });

  it('replaces LiteLLM keys inside strings', () => {
    expect(redact('key sk-abcdefgh12345678 rejected')).to.equal(`key ${REDACTED} rejected`);
  });

  it('replaces the configured secret values wherever they appear', () => {
    const secrets = ['super-secret-master-key', 'redis://default:pw123456@redis:6379'];
    const out = redact(
      {
        msg: 'called with super-secret-master-key twice: super-secret-master-key',
        url: 'redis://default:pw123456@redis:6379',
        inner: { arr: ['x super-secret-master-key y'] },
      },
      secrets,
    );
    expect(out).to.deep.equal({
      msg: `called with ${REDACTED} twice: ${REDACTED}`,
      url: REDACTED,
      inner: { arr: [`x ${REDACTED} y`] },
    });
  });

  it('leaves everything else alone and does not change its input', () => {
    const input = { request_id: 'r-1', status: 200, ok: true, nothing: null, missing: undefined, at: new Date(0), route: '/v1/x/{id}' };
    const copy = { ...input };
    expect(redact(input, ['not-present-secret'])).to.deep.equal(input);
    expect(input).to.deep.equal(copy);
    const withSecret = { authorization: 'Bearer x' };
    redact(withSecret);
    expect(withSecret.authorization).to.equal('Bearer x');
  });

  it('never lets a secret through below its depth limit', () => {
    let deep: Record<string, unknown> = { authorization: `Bearer ${JWT}`, note: JWT };
    for (let i = 0; i < 20; i += 1) deep = { level: deep };
    const text = JSON.stringify(redact(deep));
    expect(text).not.to.contain(JWT);
    expect(text).not.to.contain(JWT.split('.')[1]);
  });

  it('survives circular structures', () => {
    const a: Record<string, unknown> = { name: 'a', apikey: 'k' };
    a.self = a;
    expect(() => JSON.stringify(redact(a))).not.to.throw();
    expect(JSON.stringify(redact(a))).not.to.contain('"k"');
  });

  it('keeps prototype-named keys as plain keys, still redacting below them', () => {
    const input = JSON.parse(`{"__proto__": {"password": "hunter2", "x": 1}, "constructor": {"token": "t"}}`) as Record<string, unknown>;
    const out = redact(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).to.equal(true);
    expect(JSON.stringify(out)).to.equal(`{"__proto__":{"password":"${REDACTED}","x":1},"constructor":{"token":"${REDACTED}"}}`);
  });

  describe('redactedJson (redaction while serialising a log record)', () => {
    const samples: Record<string, unknown>[] = [
      {
        headers: { Authorization: `Bearer ${JWT}`, apikey: 'anon-key', cookie: 'sid=1' },
        profile: { id: 'u1', litellm_key: 'sk-user-key-0123456789', litellmKey: { nested: 'x' }, token: 12345 },
        list: [{ api_key: 'k2' }, 'Bearer abc.def', `see ${JWT}`, 3, null],
        msg: 'called with super-secret-master-key and key sk-abcdefgh12345678',
        at: new Date(0),
        nothing: null,
        missing: undefined,
        secret: null,
      },
      { request_id: 'r-1', status: 200, ok: true, route: '/v1/x/{id}', duration_ms: 3 },
      JSON.parse(`{"__proto__": {"password": "hunter2", "x": 1}, "constructor": {"token": "t"}}`) as Record<string, unknown>,
    ];

    it('writes exactly the line the redacted copy would give', () => {
      for (const sample of samples) {
        expect(redactedJson(sample, ['super-secret-master-key'])).to.equal(JSON.stringify(redact(sample, ['super-secret-master-key'])));
      }
    });

    it('leaves no secret at any depth and does not change its input', () => {
      let deep: Record<string, unknown> = { authorization: `Bearer ${JWT}`, note: JWT, password: 'pw' };
      for (let i = 0; i < 20; i += 1) deep = { level: deep };
      const text = redactedJson(deep);
      expect(text).not.to.contain(JWT.split('.')[1]);
      expect(text).not.to.contain('"pw"');
      let inner = deep;
      for (let i = 0; i < 20; i += 1) inner = inner.level as Record<string, unknown>;
      expect(inner.password).to.equal('pw');
    });

    it('falls back to the depth-limited copy for a circular record', () => {
      const a: Record<string, unknown> = { name: 'a', apikey: 'k', note: `Bearer ${JWT}` };
      a.self = a;
      const text = redactedJson(a);
      expect(text).not.to.contain('"k"');
      expect(text).not.to.contain(JWT.split('.')[1]);
    });
  });
});
