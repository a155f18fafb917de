import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { EdgeFunctionConversationStore } from '../../../src/adapters/edge-function/edge-function-conversation-store';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { CONVERSATION_STORE } from '../../../src/ports/conversation-store.port';
import { LLM_GATEWAY } from '../../../src/ports/llm-gateway.port';
import { LOGGER, type Logger } from '../../../src/ports/logger.port';
import { METRICS, type Metrics } from '../../../src/ports/metrics.port';
import { FailingUpstreamServer } from '../../fakes/failing-upstream-server';
import { COST_PER_TURN_USD, FAIL_MID_STREAM, HANG_AFTER_FIRST, ScriptedLlmGateway } from '../../fakes/scripted-llm-gateway';
import { eventually } from '../../support/async';
import { expectErrorEnvelope } from '../../support/envelope';
import { scrape, type Scrape } from '../../support/prometheus';
import { useRealHttp } from '../../support/real-http';
import { startApp, type RunningApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { bearer, devToken, USER_A, USER_B } from '../../support/tokens';

const METRICS_TOKEN = 'metrics-token-for-the-scraper-0123456789';

/** Scrapes until `ready` holds: the request metrics are recorded when the response has finished. */
async function scrapeWhen(app: RunningApp, ready: (s: Scrape) => boolean, what: string): Promise<Scrape> {
  let last: Scrape | undefined;
  for (let i = 0; i < 100; i += 1) {
    last = await scrape(app);
    if (ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}; last scrape:\n${last?.text ?? ''}`);
}

function chat(app: RunningApp, token: string, message: string, init: RequestInit = {}): Promise<Response> {
  return app.request('/v1/chat/completions', {
    method: 'POST',
    headers: { ...bearer(token), 'Content-Type': 'application/json' },
    body: JSON.stringify({ message }),
    ...init,
  });
}

describe('Prometheus metrics: every family moves when it should', () => {
  useRealHttp();
  let app: RunningApp;
  const tokenA = devToken(USER_A);
  const tokenB = devToken(USER_B);
  /** Every id the traffic of this block produced: none may appear in a scrape. */
  const idsSeen = new Set<string>([USER_A, USER_B]);

  before(async () => {
    app = await startApp({
      // DISCONNECT_POLICY=abort: a client leaving ends its stream, which the stream metrics then count.
      config: testConfig({ LOG_LEVEL: 'info', RATE_LIMIT_BATCH: '1', DISCONNECT_POLICY: 'abort' }),
      configure: (c) => c.registerInstance(LLM_GATEWAY, new ScriptedLlmGateway()),
    });
  });
  after(() => app.close());

  it('counts and times requests by route template, never by raw path', async () => {
    const created = await app.json<{ data: { id: string; active_branch_id: string } }>('/v1/conversations', {
      method: 'POST',
      headers: { ...bearer(tokenA), 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Metrics' }),
    });
    expect(created.status).to.equal(201);
    const id = created.body.data.id;
    idsSeen.add(id).add(created.body.data.active_branch_id);
    const route = { method: 'GET', route: '/v1/conversations/{id}' };
    const before = await scrape(app);

    for (let i = 0; i < 2; i += 1) expect((await app.request(`/v1/conversations/${id}`, { headers: bearer(tokenA) })).status).to.equal(200);

    const after = await scrapeWhen(
      app,
      (s) => s.value('http_request_duration_seconds_count', route) >= before.value('http_request_duration_seconds_count', route) + 2,
      'two timed requests',
    );
    expect(
      after.value('http_requests_total', { ...route, status: '200' }) - before.value('http_requests_total', { ...route, status: '200' }),
    ).to.equal(2);
    expect(after.value('http_request_duration_seconds_count', route) - before.value('http_request_duration_seconds_count', route)).to.equal(
      2,
    );
    expect(after.value('http_request_duration_seconds_sum', route)).to.be.greaterThan(
      before.value('http_request_duration_seconds_sum', route),
    );
    expect(after.text).not.to.contain(id);
    expect(after.samples.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.route)).to.satisfy((routes: string[]) =>
      routes.every((r) => r === 'unmatched' || r.startsWith('/')),
    );
  });

  it('labels an unknown path "unmatched", so a scan of random paths cannot grow the label set', async () => {
    const before = await scrape(app);
    const res = await app.json(`/nothing-here/${randomUUID()}`);
    expectErrorEnvelope(res, 404, 'NOT_FOUND');
    const after = await scrapeWhen(
      app,
      (s) =>
        s.value('http_requests_total', { route: 'unmatched', status: '404' }) >
        before.value('http_requests_total', { route: 'unmatched', status: '404' }),
      'the 404',
    );
    expect(after.text).not.to.contain('nothing-here');
  });

  it('counts errors by code', async () => {
    const before = await scrape(app);
    expectErrorEnvelope(await app.json(`/v1/conversations/${randomUUID()}`, { headers: bearer(tokenA) }), 404, 'NOT_FOUND');
    expectErrorEnvelope(await app.json('/v1/conversations'), 401, 'AUTH_REQUIRED');
    expectErrorEnvelope(
      await app.json('/v1/conversations', {
        method: 'POST',
        headers: { ...bearer(tokenA), 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: '' }),
      }),
      422,
      'VALIDATION_ERROR',
    );
    const codes = ['NOT_FOUND', 'AUTH_REQUIRED', 'VALIDATION_ERROR'];
    const after = await scrapeWhen(
      app,
      (s) => codes.every((code) => s.value('app_errors_total', { code }) > before.value('app_errors_total', { code })),
      'the three errors',
    );
    for (const code of codes)
      expect(after.value('app_errors_total', { code }) - before.value('app_errors_total', { code }), code).to.equal(1);
  });

  it('counts a rate-limit rejection by endpoint class (and its error code)', async () => {
    const before = await scrape(app);
    const call = () =>
      app.json('/v1/export/conversations', {
        method: 'POST',
        headers: { ...bearer(tokenB), 'Content-Type': 'application/json' },
        body: JSON.stringify({ conversation_ids: [] }),
      });
    await call();
    expectErrorEnvelope(await call(), 429, 'RATE_LIMITED');
    const after = await scrapeWhen(
      app,
      (s) => s.value('app_errors_total', { code: 'RATE_LIMITED' }) > before.value('app_errors_total', { code: 'RATE_LIMITED' }),
      'the 429',
    );
    expect(
      after.value('rate_limit_rejections_total', { class: 'batch' }) - before.value('rate_limit_rejections_total', { class: 'batch' }),
    ).to.equal(1);
    expect(after.value('rate_limit_fallback_active')).to.equal(0);
  });

  it('follows a completed stream: started, ended completed, time to first token, duration, deltas, tokens and cost by model', async () => {
    const before = await scrape(app);
    const res = await chat(app, tokenA, 'Say hello');
    expect(res.status).to.equal(200);
    const text = await res.text();
    expect(text).to.contain('data: [DONE]');
    idsSeen.add(res.headers.get('x-conversation-id') as string).add(res.headers.get('x-branch-id') as string);

    const after = await scrapeWhen(
      app,
      (s) =>
        s.value('chat_streams_ended_total', { outcome: 'completed' }) > before.value('chat_streams_ended_total', { outcome: 'completed' }),
      'the stream to end',
    );
    const delta = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);
    expect(delta('chat_streams_started_total')).to.equal(1);
    expect(delta('chat_streams_ended_total', { outcome: 'completed' })).to.equal(1);
    expect(after.value('chat_streams_active')).to.equal(before.value('chat_streams_active'));
    expect(delta('chat_time_to_first_token_seconds_count')).to.equal(1);
    expect(delta('chat_stream_duration_seconds_count')).to.equal(1);
    expect(delta('chat_deltas_relayed_total')).to.equal(5);
    expect(delta('llm_tokens_total', { model: 'local/echo', kind: 'prompt' })).to.equal(7);
    expect(delta('llm_tokens_total', { model: 'local/echo', kind: 'completion' })).to.equal(5);
    expect(delta('llm_cost_usd_total', { model: 'local/echo' })).to.be.closeTo(COST_PER_TURN_USD, 1e-9);
    expect(delta('http_requests_total', { method: 'POST', route: '/v1/chat/completions', status: '200' })).to.equal(1);
  });

  it('counts a stream that fails after it started as failed, with its error code', async () => {
    const before = await scrape(app);
    const res = await chat(app, tokenA, FAIL_MID_STREAM);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.contain('"code":"UPSTREAM_ERROR"');
    const after = await scrapeWhen(
      app,
      (s) => s.value('chat_streams_ended_total', { outcome: 'failed' }) > before.value('chat_streams_ended_total', { outcome: 'failed' }),
      'the failed stream',
    );
    expect(
      after.value('chat_streams_ended_total', { outcome: 'failed' }) - before.value('chat_streams_ended_total', { outcome: 'failed' }),
    ).to.equal(1);
    expect(after.value('chat_deltas_relayed_total') - before.value('chat_deltas_relayed_total')).to.equal(1);
    expect(
      after.value('app_errors_total', { code: 'UPSTREAM_ERROR' }) - before.value('app_errors_total', { code: 'UPSTREAM_ERROR' }),
    ).to.equal(1);
    expect(after.value('chat_streams_active')).to.equal(before.value('chat_streams_active'));
  });

  it('shows an open stream as active, and counts it aborted when the client goes away', async () => {
    const before = await scrape(app);
    const client = new AbortController();
    const res = await chat(app, tokenB, HANG_AFTER_FIRST, { signal: client.signal });
    expect(res.status).to.equal(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).to.contain('Waiting');

    const during = await scrape(app);
    expect(during.value('chat_streams_active')).to.equal(before.value('chat_streams_active') + 1);

    client.abort();
    await reader.cancel().catch(() => undefined);
    const after = await scrapeWhen(
      app,
      (s) => s.value('chat_streams_ended_total', { outcome: 'aborted' }) > before.value('chat_streams_ended_total', { outcome: 'aborted' }),
      'the aborted stream',
    );
    expect(
      after.value('chat_streams_ended_total', { outcome: 'aborted' }) - before.value('chat_streams_ended_total', { outcome: 'aborted' }),
    ).to.equal(1);
    expect(after.value('chat_streams_active')).to.equal(before.value('chat_streams_active'));
  });

  it('counts cache lookups by kind and result', async () => {
    const user = randomUUID();
    idsSeen.add(user);
    const before = await scrape(app);
    for (let i = 0; i < 2; i += 1)
      expect((await app.request('/v1/user/profile', { headers: bearer(devToken(user)) })).status).to.equal(200);
    const after = await scrape(app);
    expect(
      after.value('cache_lookups_total', { kind: 'profile', result: 'miss' }) -
        before.value('cache_lookups_total', { kind: 'profile', result: 'miss' }),
    ).to.equal(1);
    const hits = (s: Scrape) =>
      s.value('cache_lookups_total', { kind: 'profile', result: 'hit' }) +
      s.value('cache_lookups_total', { kind: 'profile', result: 'hit_local' });
    expect(hits(after) - hits(before)).to.equal(1);
  });

  it('never puts a user id, a resource id or a token into a label', async () => {
    const text = (await scrape(app)).text;
    expect(idsSeen.size).to.be.greaterThan(4);
    for (const id of idsSeen) expect(text, id).not.to.contain(id);
    for (const part of [...tokenA.split('.'), ...tokenB.split('.')]) expect(text).not.to.contain(part);
    const labelNames = new Set((await scrape(app)).samples.flatMap((s) => Object.keys(s.labels)));
    for (const name of labelNames) expect(name).not.to.match(/user|conversation|message|request_id|path/i);
  });
});

describe('Prometheus metrics of upstream calls: calls, retries, circuit state', () => {
  useRealHttp();
  let upstream: FailingUpstreamServer;
  let app: RunningApp;

  before(async () => {
    upstream = await FailingUpstreamServer.start();
    app = await startApp({
      configure: (c) => {
        // The adapter as the composition root builds it, with a short fuse: one retry, open after two failed calls.
        c.registerInstance(
          CONVERSATION_STORE,
          new EdgeFunctionConversationStore(
            {
              baseUrl: `${upstream.url}/functions/v1/conversation-manager`,
              anonKey: 'anon',
              poolSize: 4,
              timeoutMs: 2000,
              retries: 1,
              failureThreshold: 2,
              openMs: 60_000,
            },
            new SystemClock(),
            c.resolve<Logger>(LOGGER),
            c.resolve<Metrics>(METRICS),
          ),
        );
      },
    });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  it('counts each call by outcome, each retry, and shows the circuit opening', async () => {
    const labels = { upstream: 'edge_function', operation: 'getConversation' };
    const token = devToken(USER_A);
    const before = await scrape(app);
    expect(before.value('upstream_circuit_state', { upstream: 'edge_function' })).to.equal(0);

    for (let i = 0; i < 2; i += 1) {
      expectErrorEnvelope(await app.json(`/v1/conversations/${randomUUID()}`, { headers: bearer(token) }), 503, 'UPSTREAM_UNAVAILABLE');
    }
    expect(upstream.calls).to.equal(4);
    const open = await scrape(app);
    expect(open.value('upstream_calls_total', { ...labels, outcome: 'server_error' })).to.equal(2);
    expect(open.value('upstream_retries_total', labels)).to.equal(2);
    expect(open.value('upstream_call_duration_seconds_count', labels)).to.equal(2);
    // Local calls take well under a millisecond: timed on the monotonic clock, they still add time.
    expect(open.value('upstream_call_duration_seconds_sum', labels)).to.be.greaterThan(0);
    expect(open.value('upstream_circuit_state', { upstream: 'edge_function' })).to.equal(2);

    // Open: the next call fails fast without reaching the upstream, and is counted as such.
    const res = await app.json(`/v1/conversations/${randomUUID()}`, { headers: bearer(token) });
    expectErrorEnvelope(res, 503, 'UPSTREAM_UNAVAILABLE');
    expect(res.headers.get('retry-after')).to.match(/^\d+$/);
    expect(upstream.calls).to.equal(4);
    const after = await scrape(app);
    expect(after.value('upstream_calls_total', { ...labels, outcome: 'circuit_open' })).to.equal(1);
    expect(after.value('upstream_call_duration_seconds_count', labels)).to.equal(2);
    expect(after.value('app_errors_total', { code: 'UPSTREAM_UNAVAILABLE' })).to.be.at.least(2);
  });
});

describe('/metrics access', () => {
  it('requires the bearer METRICS_TOKEN when one is configured, and never logs it', async () => {
    const app = await startApp({ config: testConfig({ LOG_LEVEL: 'info', METRICS_TOKEN }) });
    try {
      expectErrorEnvelope(await app.json('/metrics'), 401, 'AUTH_REQUIRED');
      expectErrorEnvelope(await app.json('/metrics', { headers: bearer('not-the-metrics-token-at-all-0000') }), 401, 'AUTH_INVALID');
      expectErrorEnvelope(await app.json('/metrics', { headers: bearer(devToken(USER_A)) }), 401, 'AUTH_INVALID');
      const ok = await scrape(app, bearer(METRICS_TOKEN));
      expect(ok.has('http_requests_total')).to.equal(true);
      await eventually(() => (app.logs.text().includes('"route":"/metrics"') ? true : undefined), 'the request lines');
      expect(app.logs.text()).not.to.contain(METRICS_TOKEN);
    } finally {
      await app.close();
    }
  });

  it('is open without METRICS_TOKEN, and absent (404) with ENABLE_METRICS=false', async () => {
    const open = await startApp();
    try {
      expect((await scrape(open)).has('process_cpu_user_seconds_total')).to.equal(true);
    } finally {
      await open.close();
    }
    const off = await startApp({ config: testConfig({ ENABLE_METRICS: 'false' }) });
    try {
      expectErrorEnvelope(await off.json('/metrics'), 404, 'NOT_FOUND');
    } finally {
      await off.close();
    }
  });
});
