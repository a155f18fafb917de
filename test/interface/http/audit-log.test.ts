import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DEV_JWT_SECRET } from '../../../src/config/config';
import { USER_DIRECTORY, type UserDirectory } from '../../../src/ports/user-directory.port';
import { eventually } from '../../support/async';
import { startApp, type RunningApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { bearer, devToken } from '../../support/tokens';

type AuditRecord = Record<string, unknown>;

/** The audit line of a request, once it is written. */
function auditLine(app: RunningApp, requestId: string, event: string): Promise<AuditRecord> {
  return eventually(
    () => app.logs.records().find((r) => r.audit === true && r.request_id === requestId && r.event === event),
    `the ${event} audit line of ${requestId}`,
  );
}

/** Asserts none of the secrets, nor a fragment long enough to matter, appears in the line. */
function expectNoSecret(line: AuditRecord, secrets: string[]): void {
  const text = JSON.stringify(line);
  for (const secret of secrets) {
    expect(text).not.to.contain(secret);
    for (const part of secret.split('.').filter((p) => p.length >= 8)) expect(text).not.to.contain(part);
  }
  expect(text).not.to.match(/Bearer\s/i);
}

describe('The audit log: one line per security event, with who, where and which request, never a secret', () => {
  let app: RunningApp;

  before(async () => {
    app = await startApp({ config: testConfig({ LOG_LEVEL: 'info', RATE_LIMIT_READS: '1' }) });
  });
  after(() => app.close());

  it('records an authentication failure with IP and request id, not the token', async () => {
    const forged = devToken(randomUUID(), {}, { role: 'service_role' }).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const res = await app.request('/v1/conversations', { headers: { ...bearer(forged), 'X-Request-Id': 'audit-auth-failure-01' } });
    expect(res.status).to.equal(401);
    const line = await auditLine(app, 'audit-auth-failure-01', 'auth_failure');
    expect(line).to.include({ component: 'audit', code: 'AUTH_INVALID', path: '/v1/conversations', method: 'GET' });
    expect(line.ip).to.match(/127\.0\.0\.1$/);
    expectNoSecret(line, [forged, DEV_JWT_SECRET]);
  });

  it('records a rate-limit hit with the user id, IP and request id', async () => {
    const user = randomUUID();
    const token = devToken(user);
    expect((await app.request('/v1/models', { headers: bearer(token) })).status).to.equal(200);
    const res = await app.request('/v1/models', { headers: { ...bearer(token), 'X-Request-Id': 'audit-rate-limit-01' } });
    expect(res.status).to.equal(429);
    const line = await auditLine(app, 'audit-rate-limit-01', 'rate_limited');
    expect(line).to.include({ component: 'audit', user_id: user, class: 'reads', path: '/v1/models' });
    expect(line.ip).to.match(/127\.0\.0\.1$/);
    expectNoSecret(line, [token, DEV_JWT_SECRET]);
  });

  it('records a profile change with the user id, IP, request id and the fields changed, never their values or the key', async () => {
    const user = randomUUID();
    const token = devToken(user);
    const res = await app.request('/v1/user/profile', {
      method: 'PATCH',
      headers: { ...bearer(token), 'Content-Type': 'application/json', 'X-Request-Id': 'audit-profile-change-01' },
      body: JSON.stringify({ display_name: 'Secret Agent Name', preferences: { theme: 'dark' } }),
    });
    expect(res.status).to.equal(200);
    const line = await auditLine(app, 'audit-profile-change-01', 'profile_updated');
    expect(line).to.include({ component: 'audit', user_id: user });
    expect(line.ip).to.match(/127\.0\.0\.1$/);
    expect(line.fields).to.have.members(['display_name', 'preferences']);
    const key = await app.container.resolve<UserDirectory>(USER_DIRECTORY).getLlmKey({ userId: user, token });
    expectNoSecret(line, [token, key, DEV_JWT_SECRET]);
    expect(JSON.stringify(line)).not.to.contain('Secret Agent Name');
  });

  it('writes audit lines apart from ordinary ones (audit: true), and nothing else as audit', async () => {
    const ok = await app.request('/health/live', { headers: { 'X-Request-Id': 'audit-nothing-here-01' } });
    expect(ok.status).to.equal(200);
    await eventually(() => app.logs.records().find((r) => r.request_id === 'audit-nothing-here-01'), 'the request line');
    expect(app.logs.records().filter((r) => r.audit === true && r.request_id === 'audit-nothing-here-01')).to.have.length(0);
    const events = new Set(
      app.logs
        .records()
        .filter((r) => r.audit === true)
        .map((r) => r.event),
    );
    expect([...events]).to.have.members(['auth_failure', 'rate_limited', 'profile_updated']);
  });
});
