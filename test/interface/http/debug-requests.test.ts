import { expect } from 'chai';
import { buildContainer } from '../../../src/composition-root';
import { ConfigError, loadConfig } from '../../../src/config/load-config';
import { allRoutes } from '../../../src/interface/http/routes/all-routes';
import { REQUEST_JOURNAL } from '../../../src/ports/request-journal.port';
import type { RecordedRequest } from '../../../src/ports/request-journal.port';
import { eventually, thrownBy } from '../../support/async';
import { expectErrorEnvelope } from '../../support/envelope';
import { startApp, type RunningApp } from '../../support/http';
import { LogCollector } from '../../support/log-collector';
import { testConfig } from '../../support/test-config';
import { bearer, devToken, USER_A } from '../../support/tokens';

const PRODUCTION = {
  NODE_ENV: 'production',
  SUPABASE_URL: 'https://abcdefgh.supabase.co',
  SUPABASE_ANON_KEY: 'anon',
  EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1/conversation-manager',
  LITELLM_URL: 'https://litellm.example.com',
  LITELLM_MASTER_KEY: 'master-key-of-litellm',
  JWT_SECRET_KEY: 'a-project-secret-of-at-least-32-characters',
  METRICS_TOKEN: 'a-metrics-token-for-prometheus',
};

async function recorded(app: RunningApp, requestId: string): Promise<RecordedRequest> {
  return eventually(
    () => (app.container.resolve(REQUEST_JOURNAL) as { find(id: string): RecordedRequest | undefined }).find(requestId),
    `request ${requestId} in the journal`,
  );
}

describe('The request journal of development (GET /debug/requests)', () => {
  describe('when enabled', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp({ config: testConfig({ DEBUG_REQUESTS: 'true', DEBUG_REQUESTS_LIMIT: '5', LOCAL_MODEL_TOKEN_DELAY_MS: '0' }) });
    });
    after(() => app.close());

    it('lists the last requests, sanitised, with method, path, query, status, duration, request id, user id and body', async () => {
      const token = devToken(USER_A);
      const res = await app.request('/v1/conversations?page=1&limit=5', {
        headers: { ...bearer(token), 'X-Request-Id': 'debug-list-00001' },
      });
      expect(res.status).to.equal(200);
      const created = await app.request('/v1/conversations', {
        method: 'POST',
        headers: { ...bearer(token), 'Content-Type': 'application/json', 'X-Request-Id': 'debug-list-00002' },
        body: JSON.stringify({ title: 'Journal' }),
      });
      expect(created.status).to.equal(201);
      await recorded(app, 'debug-list-00002');

      const list = await app.json<{ data: { items: RecordedRequest[]; capacity: number } }>('/debug/requests');
      expect(list.status).to.equal(200);
      expect(list.body.data.capacity).to.equal(5);
      const [newest, previous] = list.body.data.items;
      expect(newest).to.include({
        request_id: 'debug-list-00002',
        method: 'POST',
        path: '/v1/conversations',
        status: 201,
        user_id: USER_A,
      });
      expect(newest?.body).to.deep.equal({ title: 'Journal' });
      expect(newest?.duration_ms).to.be.a('number');
      expect(previous).to.include({ request_id: 'debug-list-00001', method: 'GET', route: '/v1/conversations' });
      expect(previous?.query).to.deep.equal({ page: '1', limit: '5' });
      expect(previous).not.to.have.property('body');
      const text = JSON.stringify(list.body);
      for (const part of token.split('.')) expect(text, 'never the Authorization').not.to.contain(part);
      expect(text).not.to.match(/authorization/i);
    });

    it('records a stream once it has ended, and skips probes, scrapes, docs and itself', async () => {
      const res = await app.request('/v1/chat/completions', {
        method: 'POST',
        headers: { ...bearer(devToken(USER_A)), 'Content-Type': 'application/json', 'X-Request-Id': 'debug-stream-0001' },
        body: JSON.stringify({ message: 'hello' }),
      });
      expect(await res.text()).to.contain('[DONE]');
      expect(await recorded(app, 'debug-stream-0001')).to.include({ status: 200, route: '/v1/chat/completions' });
      for (const path of ['/health/live', '/metrics', '/docs', '/openapi.json', '/debug/requests']) {
        await (await app.request(path, { headers: { 'X-Request-Id': `debug-skip-${path.replace(/\W/g, '')}-01` } })).text();
      }
      const items = (await app.json<{ data: { items: RecordedRequest[] } }>('/debug/requests')).body.data.items;
      expect(items.map((e) => e.request_id).filter((id) => id.startsWith('debug-skip'))).to.deep.equal([]);
    });

    it('answers one request by id, and 404 for one it does not hold', async () => {
      await (await app.request('/v1/models', { headers: { ...bearer(devToken(USER_A)), 'X-Request-Id': 'debug-one-000001' } })).text();
      await recorded(app, 'debug-one-000001');
      const one = await app.json<{ data: RecordedRequest }>('/debug/requests/debug-one-000001');
      expect(one.status).to.equal(200);
      expect(one.body.data).to.include({ request_id: 'debug-one-000001', path: '/v1/models', status: 200 });
      expectErrorEnvelope(await app.json('/debug/requests/never-seen-000001'), 404, 'NOT_FOUND');
      expectErrorEnvelope(await app.json('/debug/requests/bad%00id'), 422, 'VALIDATION_ERROR');
    });
  });

  describe('when it is on', () => {
    it('is off outside development unless asked for, on by default in development', async () => {
      const off = await startApp();
      try {
        expectErrorEnvelope(await off.json('/debug/requests'), 404, 'NOT_FOUND');
      } finally {
        await off.close();
      }
      const logs = new LogCollector();
      expect(buildContainer(loadConfig({ NODE_ENV: 'development' }), { logStream: logs }).isRegistered(REQUEST_JOURNAL, true)).to.equal(
        true,
      );
      expect(
        buildContainer(loadConfig({ NODE_ENV: 'development', DEBUG_REQUESTS: 'false' }), { logStream: logs }).isRegistered(
          REQUEST_JOURNAL,
          true,
        ),
      ).to.equal(false);
      expect(buildContainer(loadConfig({ NODE_ENV: 'test' }), { logStream: logs }).isRegistered(REQUEST_JOURNAL, true)).to.equal(false);
    });

    it('is never on in production: DEBUG_REQUESTS=true stops start-up', () => {
      const err = thrownBy(() => loadConfig({ ...PRODUCTION, DEBUG_REQUESTS: 'true' }));
      expect(err).to.be.instanceOf(ConfigError);
      expect(err.message).to.contain('DEBUG_REQUESTS may not be enabled in production');
      expect(loadConfig(PRODUCTION).debugRequests).to.equal(undefined);
    });

    it('is not part of the documented API', () => {
      expect(allRoutes().filter((r) => r.path.startsWith('/debug'))).to.deep.equal([]);
    });
  });
});
