import { expect } from 'chai';
import { DEPENDENCY_PROBES, type DependencyProbe } from '../../src/ports/dependency-probe.port';
import { startApp, type RunningApp } from '../support/http';

function probe(name: string, required: boolean, up: boolean): DependencyProbe {
  return {
    name,
    required,
    adapter: 'test',
    check: async () => (up ? { status: 'up', latencyMs: 1 } : { status: 'down', latencyMs: 2, error: 'ECONNREFUSED' }),
  };
}

describe('health routes', () => {
  let app: RunningApp | undefined;
  afterEach(async () => app?.close());

  it('answers /health on the embedded default with every dependency up', async () => {
    app = await startApp();
    const res = await app.json<{ status: string; version: string; services: Record<string, { status: string; adapter?: string }> }>(
      '/health',
    );
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('healthy');
    expect(res.body.version).to.match(/^\d+\.\d+\.\d+/);
    expect(res.body.services.app?.status).to.equal('healthy');
    expect(res.body.services.litellm).to.include({ status: 'healthy', adapter: 'memory' });
    expect(res.headers.get('x-request-id')).to.be.a('string');
  });

  it('is degraded, still 200 and still ready, when an optional dependency is down', async () => {
    app = await startApp({ configure: (c) => c.register(DEPENDENCY_PROBES, { useValue: probe('redis', false, false) }) });
    const health = await app.json<{ status: string; services: Record<string, { status: string; error?: string }> }>('/health');
    expect(health.status).to.equal(200);
    expect(health.body.status).to.equal('degraded');
    expect(health.body.services.redis).to.include({ status: 'unhealthy', error: 'ECONNREFUSED' });
    expect((await app.request('/health/ready')).status).to.equal(200);
  });

  it('is unhealthy (503) and not ready when a required dependency is down', async () => {
    app = await startApp({ configure: (c) => c.register(DEPENDENCY_PROBES, { useValue: probe('litellm_real', true, false) }) });
    const health = await app.json<{ status: string }>('/health');
    expect(health.status).to.equal(503);
    expect(health.body.status).to.equal('unhealthy');
    const ready = await app.json<{ status: string; reason: string; checks: Record<string, string> }>('/health/ready');
    expect(ready.status).to.equal(503);
    expect(ready.body).to.include({ status: 'not_ready' });
    expect(ready.body.reason).to.contain('litellm_real');
    expect(ready.body.checks.litellm_real).to.equal('down');
    // Liveness never depends on upstreams.
    expect((await app.request('/health/live')).status).to.equal(200);
  });

  it('keeps the previous gateway paths and fields', async () => {
    app = await startApp();
    expect((await app.json('/live')).body).to.include({ status: 'alive' });
    expect((await app.json('/ready')).body).to.include({ status: 'ready' });
    const root = await app.json<Record<string, unknown>>('/');
    expect(root.body).to.include({ service: 'ai-chat-gateway', status: 'running' });
    const info = await app.json<{ service: string; version: string; features: string[]; endpoints: { path: string }[] }>('/info');
    expect(info.body.service).to.equal('ai-chat-gateway');
    expect(info.body.features).to.be.an('array');
    expect(info.body.endpoints.map((e) => e.path)).to.include('/health');
  });
});
