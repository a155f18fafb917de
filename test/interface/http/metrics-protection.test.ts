import { expect } from 'chai';
import { refusedStart, startService, type ServiceProcess } from '../../support/service-process';

/** Production settings whose upstreams are never called by these tests (LiteLLM's probe is refused at once). */
const PRODUCTION = {
  NODE_ENV: 'production',
  SUPABASE_URL: 'https://abcdefgh.supabase.co',
  SUPABASE_ANON_KEY: 'anon-key-value',
  EDGE_FUNCTION_URL: 'https://abcdefgh.supabase.co/functions/v1/conversation-manager',
  LITELLM_URL: 'http://127.0.0.1:9',
  LITELLM_MASTER_KEY: 'sk-master-key-value',
  JWT_SECRET_KEY: 'a-production-secret-of-at-least-32-chars',
};
const METRICS_TOKEN = 'metrics-token-of-the-scraper';

async function stop(service: ServiceProcess): Promise<void> {
  service.proc.kill('SIGTERM');
  await service.exit;
}

function metricsPortOf(service: ServiceProcess): { host: string; port: number } {
  const line = service.logs
    .map((l) => JSON.parse(l) as { msg?: string; metrics_host?: string; metrics_port?: number })
    .find((r) => r.msg === 'metrics listening');
  expect(line, 'the metrics listener logs where it listens').to.not.equal(undefined);
  return { host: line!.metrics_host!, port: line!.metrics_port! };
}

describe('/metrics in production', () => {
  it('refuses to start when metrics are on and neither METRICS_TOKEN nor METRICS_PORT protects them', async () => {
    const { code, stderr } = await refusedStart(PRODUCTION);
    expect(code).to.equal(1);
    expect(stderr).to.contain('/metrics would be public');
    for (const name of ['METRICS_TOKEN', 'METRICS_PORT', 'ENABLE_METRICS=false']) expect(stderr).to.contain(name);
  });

  it('starts with metrics off, and /metrics is 404', async () => {
    const service = await startService({ ...PRODUCTION, ENABLE_METRICS: 'false' });
    try {
      expect((await fetch(`${service.url}/metrics`)).status).to.equal(404);
    } finally {
      await stop(service);
    }
  });

  it('with METRICS_TOKEN: 401 without the bearer or with a wrong one, the metrics with it', async () => {
    const service = await startService({ ...PRODUCTION, METRICS_TOKEN });
    try {
      const anonymous = await fetch(`${service.url}/metrics`);
      expect(anonymous.status).to.equal(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).to.equal('AUTH_REQUIRED');
      const wrong = await fetch(`${service.url}/metrics`, { headers: { Authorization: 'Bearer metrics-token-of-someone-else' } });
      expect(wrong.status).to.equal(401);
      const scraper = await fetch(`${service.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scraper.status).to.equal(200);
      expect(await scraper.text()).to.contain('http_requests_total');
    } finally {
      await stop(service);
    }
  });

  it('with METRICS_PORT: served only by the separate listener, on loopback unless METRICS_HOST says otherwise; the main port answers 404', async () => {
    const service = await startService({ ...PRODUCTION, METRICS_PORT: '0' });
    try {
      const { host, port } = metricsPortOf(service);
      expect(host).to.equal('127.0.0.1');
      expect(port).to.be.above(0);
      expect((await fetch(`${service.url}/metrics`)).status).to.equal(404);
      const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scrape.status).to.equal(200);
      expect(scrape.headers.get('content-type')).to.match(/^text\/plain/);
      expect(await scrape.text()).to.contain('http_requests_total');
      // The listener serves metrics and nothing else.
      expect((await fetch(`http://127.0.0.1:${port}/v1/user/profile`)).status).to.equal(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).to.equal(405);
    } finally {
      await stop(service);
    }
  });

  it('with METRICS_PORT and METRICS_TOKEN: the separate listener asks for the token too', async () => {
    const service = await startService({ ...PRODUCTION, METRICS_PORT: '0', METRICS_TOKEN });
    try {
      const { port } = metricsPortOf(service);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).to.equal(401);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status).to.equal(
        200,
      );
    } finally {
      await stop(service);
    }
  });

  it('refuses to start, naming the port, when METRICS_PORT is taken', async () => {
    const holder = await startService({ ...PRODUCTION, METRICS_PORT: '0' });
    try {
      const { port } = metricsPortOf(holder);
      const { code, stderr } = await refusedStart({ ...PRODUCTION, METRICS_PORT: String(port) });
      expect(code).to.equal(1);
      expect(stderr).to.contain(`METRICS_PORT ${port}`);
      expect(stderr).to.contain('EADDRINUSE');
    } finally {
      await stop(holder);
    }
  });
});
