import { expect } from 'chai';
import { Type } from 'typebox';
import { ADAPTER_BINDINGS, RESOURCES, type AdapterBinding, type Resources } from '../../src/composition-root';
import { ModelInfoSchema } from '../../src/interface/http/routes/models.routes';
import type { ModelInfo } from '../../src/domain/models/model-info';
import { LOGGER, type Logger } from '../../src/ports/logger.port';
import { createAjv } from '../../src/support/json-schema';
import { FakeClock } from '../fakes/fake-clock';
import { FakeLiteLlmCatalogServer } from '../fakes/fake-litellm-catalog-server';
import { RedisServerProcess } from '../fakes/redis-server-process';
import { fixture } from '../support/fixtures';
import { startApp, type RunningApp, type StartOptions } from '../support/http';
import { testConfig } from '../support/test-config';
import { connectTestRedis, deleteKeys, TEST_REDIS_URL, uniqueKeyPrefix } from '../support/test-redis';
import { bearer, devToken } from '../support/tokens';

interface ListBody {
  success: boolean;
  data: { items: ModelInfo[]; count: number; stale: boolean; fetched_at: string; provider?: string };
}
interface InfoBody {
  success: boolean;
  data: { model: ModelInfo; stale: boolean; fetched_at: string };
}
interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: Record<string, unknown>; request_id: string };
}

const validateList = createAjv().compile(Type.Array(ModelInfoSchema));
const auth = { headers: bearer(devToken()) };

/** The realistic fixture plus an `openai/gpt-4o` whose id needs URL-encoding. */
function litellmCatalogue(): unknown {
  const payload = fixture('litellm/model-info-realistic.json') as { data: unknown[] };
  payload.data.push({
    model_name: 'openai/gpt-4o',
    litellm_params: { model: 'openai/gpt-4o' },
    model_info: { litellm_provider: 'openai', mode: 'chat', max_input_tokens: 128000, input_cost_per_token: 5e-6, supports_vision: true },
  });
  return payload;
}

describe('models routes', () => {
  const apps: RunningApp[] = [];
  let fake: FakeLiteLlmCatalogServer | undefined;

  async function start(options: StartOptions = {}): Promise<RunningApp> {
    const app = await startApp(options);
    apps.push(app);
    return app;
  }

  async function litellmApp(env: Record<string, string> = {}, options: StartOptions = {}): Promise<RunningApp> {
    fake = await new FakeLiteLlmCatalogServer().start();
    fake.modelInfo = litellmCatalogue();
    return start({
      config: testConfig({ LITELLM_URL: fake.url, LITELLM_MASTER_KEY: fake.masterKey, LOG_LEVEL: 'info', ...env }),
      ...options,
    });
  }

  afterEach(async () => {
    for (const app of apps.splice(0)) {
      await app.close();
      // Closes what the container opened (Redis client, LiteLLM monitor timer).
      await app.container.resolve<Resources>(RESOURCES).closeAll(app.container.resolve<Logger>(LOGGER));
    }
    await fake?.stop();
    fake = undefined;
  });

  describe('on the embedded default', () => {
    it('needs a token', async () => {
      const app = await start();
      for (const path of ['/v1/models', '/v1/models/local', '/v1/models/local%2Fecho/info']) {
        const res = await app.json<ErrorBody>(path);
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal('AUTH_REQUIRED');
      }
    });

    it('lists the built-in local models, free, not stale', async () => {
      const app = await start();
      const res = await app.json<ListBody>('/v1/models', auth);
      expect(res.status).to.equal(200);
      expect(res.body.success).to.equal(true);
      expect(res.body.data).to.include({ count: 2, stale: false });
      expect(res.body.data.fetched_at).to.match(/^\d{4}-\d\d-\d\dT/);
      const [echo] = res.body.data.items;
      expect(echo).to.deep.include({
        id: 'local/echo',
        provider: 'local',
        mode: 'chat',
        pricing: { input_per_1m: 0, output_per_1m: 0, currency: 'USD' },
      });
      expect(validateList(res.body.data.items)).to.equal(true);
    });

    it('answers /v1/models/{provider} and 404s an unknown provider, naming the known ones', async () => {
      const app = await start();
      const local = await app.json<ListBody>('/v1/models/local', auth);
      expect(local.status).to.equal(200);
      expect(local.body.data.provider).to.equal('local');
      expect(local.body.data.items.map((m) => m.id)).to.deep.equal(['local/echo', 'local/lorem']);
      const unknown = await app.json<ErrorBody>('/v1/models/nobody', auth);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('NOT_FOUND');
      expect(unknown.body.error.details).to.deep.equal({ providers: ['local'] });
    });

    it('answers /v1/models/{model_id}/info for an encoded id, an unencoded one, and 404s an unknown one', async () => {
      const app = await start();
      for (const path of ['/v1/models/local%2Fecho/info', '/v1/models/local/echo/info', '/v1/models/LOCAL%2FECHO/info']) {
        const res = await app.json<InfoBody>(path, auth);
        expect(res.status, path).to.equal(200);
        expect(res.body.data.model.id).to.equal('local/echo');
        expect(res.body.data.stale).to.equal(false);
      }
      const unknown = await app.json<ErrorBody>('/v1/models/openai%2Fgpt-5/info', auth);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('NOT_FOUND');
    });

    it('rejects bad filters with 422 and names each bad field', async () => {
      const app = await start();
      const res = await app.json<ErrorBody>('/v1/models?sort=price&order=up&capability=Vision!&colour=red', auth);
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('VALIDATION_ERROR');
      const paths = (res.body.error.details?.fields as { path: string }[]).map((f) => f.path).sort();
      expect(paths).to.deep.equal(['capability', 'colour', 'order', 'sort']);
    });
  });

  describe('over LiteLLM', () => {
    it('lists, filters and sorts the LiteLLM catalogue', async () => {
      const app = await litellmApp();
      const all = await app.json<ListBody>('/v1/models', auth);
      expect(all.status).to.equal(200);
      expect(all.body.data.items.map((m) => m.id)).to.deep.equal([
        'anthropic/claude-3-5-sonnet',
        'gemini-1.5-pro',
        'gpt-4o',
        'openai/gpt-4o',
        'text-embedding-3-small',
      ]);
      expect(validateList(all.body.data.items), JSON.stringify(validateList.errors)).to.equal(true);

      const openaiChat = await app.json<ListBody>('/v1/models?provider=openai&mode=chat&sort=input_price&order=desc', auth);
      expect(openaiChat.body.data.items.map((m) => m.id)).to.deep.equal(['openai/gpt-4o', 'gpt-4o']);
      const vision = await app.json<ListBody>('/v1/models?capability=vision,function_calling&sort=context_window&order=desc', auth);
      expect(vision.body.data.items.map((m) => m.id)).to.deep.equal(['gemini-1.5-pro', 'anthropic/claude-3-5-sonnet', 'gpt-4o']);
      const byProvider = await app.json<ListBody>('/v1/models/OpenAI?sort=id', auth);
      expect(byProvider.body.data).to.include({ provider: 'openai', count: 3 });
    });

    it('serves ids containing / and . through /info, URL-encoded (%2F) or not', async () => {
      const app = await litellmApp();
      const cases: [string, string][] = [
        ['/v1/models/openai%2Fgpt-4o/info', 'openai/gpt-4o'],
        ['/v1/models/anthropic%2Fclaude-3-5-sonnet/info', 'anthropic/claude-3-5-sonnet'],
        ['/v1/models/anthropic/claude-3-5-sonnet/info', 'anthropic/claude-3-5-sonnet'],
        ['/v1/models/gemini-1.5-pro/info', 'gemini-1.5-pro'],
        ['/v1/models/gpt-4o/info', 'gpt-4o'],
      ];
      for (const [path, id] of cases) {
        const res = await app.json<InfoBody>(path, auth);
        expect(res.status, path).to.equal(200);
        expect(res.body.data.model.id, path).to.equal(id);
      }
      const claude = await app.json<InfoBody>('/v1/models/anthropic%2Fclaude-3-5-sonnet/info', auth);
      expect(claude.body.data.model).to.deep.include({
        provider: 'anthropic',
        context_window: 200000,
        pricing: { input_per_1m: 3, output_per_1m: 15, currency: 'USD' },
      });
      // /v1/models/{provider} and /v1/models/{model_id}/info do not shadow each other.
      expect((await app.json<ListBody>('/v1/models/anthropic', auth)).body.data.items.map((m) => m.id)).to.deep.equal([
        'anthropic/claude-3-5-sonnet',
      ]);
      expect((await app.json<ErrorBody>('/v1/models/anthropic/info', auth)).status).to.equal(404);
    });

    it('fetches the catalogue once for many requests (cached 1 h), and again after the TTL', async () => {
      const clock = new FakeClock();
      const app = await litellmApp({}, { overrides: { clock } });
      await app.json('/v1/models', auth);
      await app.json('/v1/models/openai', auth);
      await app.json('/v1/models/gpt-4o/info', auth);
      expect(fake!.count('/model/info')).to.equal(1);
      clock.advanceSeconds(3601);
      await app.json('/v1/models', auth);
      expect(fake!.count('/model/info')).to.equal(2);
    });

    it('serves the last good catalogue marked stale while LiteLLM is down, and fresh again once it is back', async () => {
      const clock = new FakeClock();
      const app = await litellmApp({}, { overrides: { clock } });
      const fresh = await app.json<ListBody>('/v1/models', auth);
      expect(fresh.body.data.stale).to.equal(false);
      clock.advanceSeconds(2 * 3600);
      fake!.mode = 'error-503';
      const stale = await app.json<ListBody>('/v1/models', auth);
      expect(stale.status).to.equal(200);
      expect(stale.body.data).to.include({ stale: true, fetched_at: fresh.body.data.fetched_at, count: 5 });
      const info = await app.json<InfoBody>('/v1/models/openai%2Fgpt-4o/info', auth);
      expect(info.status).to.equal(200);
      expect(info.body.data.stale).to.equal(true);
      expect(app.logs.records().filter((r) => r.msg === 'model catalogue source unavailable; serving the last good copy')).to.have.length(
        1,
      );

      fake!.mode = 'up';
      clock.advanceSeconds(60); // past the circuit breaker's open time
      const back = await app.json<ListBody>('/v1/models', auth);
      expect(back.body.data.stale).to.equal(false);
      expect(back.body.data.fetched_at).to.equal(clock.now().toISOString());
    });

    it('answers 503 UPSTREAM_UNAVAILABLE with Retry-After when LiteLLM is down and no catalogue was ever fetched', async () => {
      const app = await litellmApp();
      fake!.mode = 'error-503';
      const res = await app.json<ErrorBody>('/v1/models', auth);
      expect(res.status).to.equal(503);
      expect(res.body.error.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(res.headers.get('retry-after')).to.match(/^\d+$/);
    });

    it('never reports a rejected master key as a 401 to the client', async () => {
      const app = await litellmApp({ LITELLM_MASTER_KEY: 'sk-wrong-master-key' });
      const res = await app.json<ErrorBody>('/v1/models', auth);
      expect(res.status).to.equal(502);
      expect(res.body.error.code).to.equal('UPSTREAM_ERROR');
      expect(JSON.stringify(res.body)).not.to.contain('sk-wrong-master-key');
    });

    it('shows the LiteLLM monitor in /health and uses it for readiness', async () => {
      const app = await litellmApp();
      const health = await app.json<{ services: Record<string, { status: string; adapter: string; details?: Record<string, unknown> }> }>(
        '/health',
      );
      expect(health.body.services.litellm).to.include({ status: 'healthy', adapter: 'litellm' });
      expect(health.body.services.litellm?.details).to.include({ availability: 1 });
      expect(fake!.count('/health')).to.equal(0);
      expect(fake!.count('/health/liveliness')).to.be.greaterThanOrEqual(1);
    });

    it('is not ready while LiteLLM fails its liveness probe', async () => {
      fake = await new FakeLiteLlmCatalogServer().start();
      fake.livelinessStatus = 503;
      const app = await start({ config: testConfig({ LITELLM_URL: fake.url, LITELLM_MASTER_KEY: fake.masterKey }) });
      const ready = await app.json<{ status: string; reason: string; checks: Record<string, string> }>('/health/ready');
      expect(ready.status).to.equal(503);
      expect(ready.body.checks.litellm).to.equal('down');
      expect(ready.body.reason).to.contain('litellm');
    });
  });

  describe('with Redis', () => {
    let prefix: string;
    beforeEach(() => {
      prefix = uniqueKeyPrefix();
    });
    afterEach(async () => {
      const admin = await connectTestRedis();
      await deleteKeys(admin, `${prefix}:`);
      admin.disconnect();
    });

    async function redisReady(app: RunningApp): Promise<void> {
      for (let i = 0; i < 200; i += 1) {
        const health = await app.json<{ services: Record<string, { status: string }> }>('/health');
        if (health.body.services.redis?.status === 'healthy') return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`Redis at ${TEST_REDIS_URL} never became healthy: it is required for this test`);
    }

    it('says which cache serves the service', async () => {
      await connectTestRedis();
      const app = await litellmApp({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix });
      const bindings = app.container.resolve<AdapterBinding[]>(ADAPTER_BINDINGS);
      expect(bindings.find((b) => b.port === 'Cache')?.adapter).to.equal('redis+memory-lru-fallback');
      const embedded = await start();
      expect(embedded.container.resolve<AdapterBinding[]>(ADAPTER_BINDINGS).find((b) => b.port === 'Cache')?.adapter).to.equal(
        'memory-lru',
      );
    });

    it('a second GET /v1/models does not reach LiteLLM, even from another replica', async () => {
      const admin = await connectTestRedis();
      admin.disconnect();
      const env = { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
      const app = await litellmApp(env);
      await redisReady(app);
      expect((await app.json<ListBody>('/v1/models', auth)).status).to.equal(200);
      expect((await app.json<ListBody>('/v1/models', auth)).body.data.count).to.equal(5);
      expect(fake!.count('/model/info')).to.equal(1);

      // A second replica on the same Redis: its in-process cache is empty, Redis answers.
      const replica = await start({ config: testConfig({ LITELLM_URL: fake!.url, LITELLM_MASTER_KEY: fake!.masterKey, ...env }) });
      await redisReady(replica);
      const res = await replica.json<ListBody>('/v1/models', auth);
      expect(res.body.data).to.include({ count: 5, stale: false });
      expect(fake!.count('/model/info')).to.equal(1);
    });

    it('keeps the models routes answering when Redis stops, and when it was never there', async () => {
      const redis = await RedisServerProcess.create();
      await redis.start();
      try {
        const app = await litellmApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix });
        await redisReady(app);
        expect((await app.json<ListBody>('/v1/models', auth)).status).to.equal(200);
        await redis.kill();
        const list = await app.json<ListBody>('/v1/models', auth);
        expect(list.status).to.equal(200);
        expect(list.body.data).to.include({ count: 5, stale: false });
        expect((await app.json<ListBody>('/v1/models/anthropic', auth)).status).to.equal(200);
        expect((await app.json<InfoBody>('/v1/models/openai%2Fgpt-4o/info', auth)).body.data.model.id).to.equal('openai/gpt-4o');
        expect((await app.json<ErrorBody>('/v1/models/nope%2Fnope/info', auth)).status).to.equal(404);
        // Served from the in-process copy: LiteLLM was asked once in all.
        expect(fake!.count('/model/info')).to.equal(1);
        // /health reuses a probe result for a second: ask until it has probed Redis again.
        let health = await app.json<{ status: string; services: Record<string, { status: string }> }>('/health');
        for (let i = 0; i < 200 && health.body.status !== 'degraded'; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          health = await app.json('/health');
        }
        expect(health.status).to.equal(200);
        expect(health.body.status).to.equal('degraded');
        expect(health.body.services.redis?.status).to.equal('unhealthy');
      } finally {
        await redis.kill();
      }

      const port = (await RedisServerProcess.create()).port;
      const never = await start({
        config: testConfig({
          LITELLM_URL: fake!.url,
          LITELLM_MASTER_KEY: fake!.masterKey,
          REDIS_URL: `redis://127.0.0.1:${port}`,
          REDIS_KEY_PREFIX: prefix,
        }),
      });
      const res = await never.json<ListBody>('/v1/models', auth);
      expect(res.status).to.equal(200);
      expect(res.body.data.count).to.equal(5);
    });
  });
});
