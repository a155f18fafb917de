import 'reflect-metadata';
import { expect } from 'chai';
import type { MemoryUserDirectory } from '../../src/adapters/memory/memory-user-directory';
import { InvalidateUserCache } from '../../src/application/user/invalidate-user-cache.use-case';
import { MODEL_CATALOG_SOURCE } from '../../src/ports/model-catalog.port';
import { USER_DIRECTORY } from '../../src/ports/user-directory.port';
import { FakeSupabaseRest } from '../fakes/fake-supabase-rest';
import { StaticModelCatalogSource } from '../fakes/static-model-catalog-source';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { bearer, devToken, USER_A, USER_B } from '../support/tokens';

interface Envelope<T = Record<string, unknown>> {
  success: boolean;
  data: T;
  error: { code: string; message: string; details?: { fields?: { path: string; message: string }[] } };
}

function patchInit(token: string, body: unknown, contentType = 'application/json'): RequestInit {
  return {
    method: 'PATCH',
    headers: { ...bearer(token), 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

async function start(): Promise<RunningApp> {
  return startApp({ configure: (c) => c.registerInstance(MODEL_CATALOG_SOURCE, new StaticModelCatalogSource()) });
}

describe('user routes on the embedded default', () => {
  let app: RunningApp;
  const tokenA = devToken(USER_A);
  const tokenB = devToken(USER_B, {}, { email: 'b@example.com' });
  const directory = (): MemoryUserDirectory => app.container.resolve<MemoryUserDirectory>(USER_DIRECTORY);

  beforeEach(async () => {
    app = await start();
  });
  afterEach(async () => app.close());

  it('requires a token', async () => {
    for (const path of ['/v1/user/profile', '/v1/user/balance']) {
      const res = await app.json<Envelope>(path);
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('AUTH_REQUIRED');
    }
  });

  it("answers the caller's profile in the envelope, without the LiteLLM key", async () => {
    const res = await app.json<Envelope>('/v1/user/profile', { headers: bearer(tokenA) });
    expect(res.status).to.equal(200);
    expect(res.body.success).to.equal(true);
    expect(res.body.data).to.include({ id: USER_A, email: 'user@example.com', spend: 0, max_budget: 100, available_balance: 100 });
    const key = await directory().getLlmKey({ userId: USER_A, token: tokenA });
    expect(JSON.stringify(res.body)).not.to.contain(key);
    expect(res.body.data).not.to.have.property('litellm_key');
  });

  it('answers the balance', async () => {
    directory().setBudget(USER_A, { max_budget: 25, spend: 7.5 });
    const res = await app.json<Envelope>('/v1/user/balance', { headers: bearer(tokenA) });
    expect(res.status).to.equal(200);
    expect(res.body.data).to.deep.equal({ max_budget: 25, spend: 7.5, available_balance: 17.5, currency: 'USD', source: 'user_profiles' });
  });

  it('shows an exhausted balance as zero or below', async () => {
    directory().setBudget(USER_A, { max_budget: 10, spend: 10.5 });
    const res = await app.json<Envelope>('/v1/user/balance', { headers: bearer(tokenA) });
    expect(res.body.data.available_balance).to.equal(-0.5);
  });

  it('updates the profile, and the next GET shows it although the old one was cached', async () => {
    expect((await app.json<Envelope>('/v1/user/profile', { headers: bearer(tokenA) })).body.data.display_name).to.equal(null);
    const body = { display_name: 'Ada', default_model: 'openai/gpt-4o-mini', locale: 'en-GB', preferences: { theme: 'dark' } };
    const res = await app.json<Envelope>('/v1/user/profile', patchInit(tokenA, body));
    expect(res.status).to.equal(200);
    expect(res.body.data).to.deep.include(body);
    const again = await app.json<Envelope>('/v1/user/profile', { headers: bearer(tokenA) });
    expect(again.body.data).to.deep.include(body);
  });

  it('rejects spend, max_budget, litellm_key, email and id with 422 naming each, writing nothing', async () => {
    const body = { display_name: 'Mallory', spend: 0, max_budget: 1e9, litellm_key: 'sk-mine-now', email: 'x@evil.test', id: USER_B };
    const res = await app.json<Envelope>('/v1/user/profile', patchInit(tokenA, body));
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('VALIDATION_ERROR');
    const paths = (res.body.error.details?.fields ?? []).map((f) => f.path);
    expect(paths).to.include.members(['spend', 'max_budget', 'litellm_key', 'email', 'id']);
    expect(paths).not.to.include('display_name');
    const profile = await app.json<Envelope>('/v1/user/profile', { headers: bearer(tokenA) });
    expect(profile.body.data).to.include({ display_name: null, max_budget: 100, spend: 0 });
  });

  it('rejects an unknown default model with 422 on default_model', async () => {
    const res = await app.json<Envelope>('/v1/user/profile', patchInit(tokenA, { default_model: 'acme/unknown-9000' }));
    expect(res.status).to.equal(422);
    expect(res.body.error.details?.fields).to.deep.equal([
      { path: 'default_model', message: 'is not a known model (see GET /v1/models)', location: 'body' },
    ]);
  });

  const badBodies: [string, unknown, string][] = [
    ['an empty object', {}, '(root)'],
    ['a non-string display name', { display_name: 42 }, 'display_name'],
    ['a display name over 100 characters', { display_name: 'x'.repeat(101) }, 'display_name'],
    ['an empty display name', { display_name: '' }, 'display_name'],
    ['a malformed locale', { locale: 'english please' }, 'locale'],
    ['preferences that are not an object', { preferences: ['dark'] }, 'preferences'],
    [
      'preferences with too many keys',
      { preferences: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
      'preferences',
    ],
    ['a body that is an array', [{ display_name: 'x' }], '(root)'],
  ];
  for (const [label, body, path] of badBodies) {
    it(`answers 422 for ${label}`, async () => {
      const res = await app.json<Envelope>('/v1/user/profile', patchInit(tokenA, body));
      expect(res.status).to.equal(422);
      expect((res.body.error.details?.fields ?? []).map((f) => f.path)).to.include(path);
    });
  }

  it('answers 400 for a body that is not JSON and 415 for one that is not application/json', async () => {
    // Status only: the code of a body parse failure (INVALID_JSON) belongs to the shared error middleware.
    expect((await app.json<Envelope>('/v1/user/profile', patchInit(tokenA, '{"display_name":'))).status).to.equal(400);
    const res = await app.json<Envelope>('/v1/user/profile', patchInit(tokenA, 'display_name=x', 'text/plain'));
    expect(res.status).to.equal(415);
  });

  it("never shows user A's profile to user B", async () => {
    await app.json('/v1/user/profile', patchInit(tokenA, { display_name: 'Alice-Only', preferences: { secret_note: 'a-private-value' } }));
    const res = await app.json<Envelope>('/v1/user/profile', { headers: bearer(tokenB) });
    expect(res.status).to.equal(200);
    expect(res.body.data).to.include({ id: USER_B, email: 'b@example.com', display_name: null });
    const text = JSON.stringify(res.body);
    expect(text).not.to.contain('Alice-Only');
    expect(text).not.to.contain('a-private-value');
    expect(text).not.to.contain(USER_A);
  });

  it('shows a new balance after a finished chat invalidates the cache', async () => {
    expect((await app.json<Envelope>('/v1/user/balance', { headers: bearer(tokenA) })).body.data.spend).to.equal(0);
    directory().addSpend(USER_A, 1.25);
    await app.container.resolve(InvalidateUserCache).execute(USER_A);
    const res = await app.json<Envelope>('/v1/user/balance', { headers: bearer(tokenA) });
    expect(res.body.data).to.include({ spend: 1.25, available_balance: 98.75 });
  });

  it('answers 404 for an account without a profile row', async () => {
    directory().removeProfile(USER_A);
    const res = await app.json<Envelope>('/v1/user/profile', { headers: bearer(tokenA) });
    expect(res.status).to.equal(404);
    expect(res.body.error).to.include({ code: 'NOT_FOUND', message: 'profile not found' });
  });

  it('never logs the LiteLLM key', async () => {
    const key = await directory().getLlmKey({ userId: USER_A, token: tokenA });
    await app.json('/v1/user/profile', { headers: bearer(tokenA) });
    await app.json('/v1/user/profile', patchInit(tokenA, { display_name: 'Ada' }));
    await app.json('/v1/user/balance', { headers: bearer(tokenA) });
    expect(app.logs.lines.length).to.be.greaterThan(0);
    expect(app.logs.text()).not.to.contain(key);
  });

  it('documents the routes, the closed PATCH body and an example for every response', async () => {
    const doc = (await app.json<{ paths: Record<string, Record<string, Record<string, unknown>>> }>('/openapi.json')).body;
    const patch = doc.paths['/v1/user/profile']?.patch as {
      requestBody: { content: { 'application/json': { schema: { additionalProperties: boolean; properties: object } } } };
      responses: Record<string, { content?: { 'application/json': { example?: unknown; examples?: unknown } } }>;
    };
    const schema = patch.requestBody.content['application/json'].schema;
    expect(schema.additionalProperties).to.equal(false);
    expect(Object.keys(schema.properties)).to.have.members(['display_name', 'default_model', 'locale', 'preferences']);
    for (const [path, method] of [
      ['/v1/user/profile', 'get'],
      ['/v1/user/profile', 'patch'],
      ['/v1/user/balance', 'get'],
    ] as const) {
      const op = doc.paths[path]?.[method] as {
        responses: Record<string, { content?: Record<string, { example?: unknown; examples?: unknown }> }>;
      };
      for (const [status, response] of Object.entries(op.responses)) {
        const media = response.content?.['application/json'];
        expect(media?.example ?? media?.examples, `${method} ${path} ${status}`).not.to.equal(undefined);
      }
    }
    expect(JSON.stringify(doc)).not.to.match(/sk-[A-Za-z0-9]/);
  });
});

describe('user routes against Supabase REST (fake)', () => {
  let fake: FakeSupabaseRest;
  let app: RunningApp;
  let token: string;
  const KEY = 'sk-supabase-user-a-0001';

  beforeEach(async () => {
    fake = await FakeSupabaseRest.start();
    fake.upsert('user_profiles', {
      id: USER_A,
      email: 'a@example.com',
      litellm_key: KEY,
      spend: 2.5,
      max_budget: 10,
      display_name: 'Ada',
      default_model: null,
      locale: null,
      preferences: {},
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    app = await startApp({
      config: testConfig({ SUPABASE_URL: fake.url, SUPABASE_ANON_KEY: fake.anonKey, LOG_LEVEL: 'info' }),
      configure: (c) => c.registerInstance(MODEL_CATALOG_SOURCE, new StaticModelCatalogSource()),
    });
    token = devToken(USER_A, {}, { iss: `${fake.url}/auth/v1` });
  });
  afterEach(async () => {
    await app.close();
    await fake.close();
  });

  it('reads the profile and balance through one cached upstream read, never returning the key', async () => {
    const profile = await app.json<Envelope>('/v1/user/profile', { headers: bearer(token) });
    expect(profile.status).to.equal(200);
    expect(profile.body.data).to.include({ id: USER_A, display_name: 'Ada', available_balance: 7.5 });
    const balance = await app.json<Envelope>('/v1/user/balance', { headers: bearer(token) });
    expect(balance.body.data).to.include({ max_budget: 10, spend: 2.5, available_balance: 7.5 });
    expect(fake.requestsTo('user_profiles')).to.have.length(1);
    expect(fake.requestsTo('user_profiles')[0]?.headers.authorization).to.equal(`Bearer ${token}`);
    expect(JSON.stringify([profile.body, balance.body])).not.to.contain(KEY);
    expect(app.logs.text()).not.to.contain(KEY);
  });

  it('patches upstream and the next GET reads the new row', async () => {
    await app.json('/v1/user/profile', { headers: bearer(token) });
    const res = await app.json<Envelope>('/v1/user/profile', patchInit(token, { locale: 'pt-BR' }));
    expect(res.status).to.equal(200);
    expect(res.body.data).to.include({ locale: 'pt-BR' });
    expect((await app.json<Envelope>('/v1/user/profile', { headers: bearer(token) })).body.data.locale).to.equal('pt-BR');
    expect(fake.requestsTo('user_profiles').map((r) => r.method)).to.deep.equal(['GET', 'PATCH', 'GET']);
  });

  it('rejects forbidden fields before any upstream call', async () => {
    const res = await app.json<Envelope>('/v1/user/profile', patchInit(token, { spend: 0 }));
    expect(res.status).to.equal(422);
    expect(fake.requests).to.have.length(0);
  });

  it("answers 401 AUTH_EXPIRED when Supabase rejects the user's JWT", async () => {
    fake.failNext(401, { code: 'PGRST303', message: 'JWT expired', details: null, hint: null });
    const res = await app.json<Envelope>('/v1/user/profile', { headers: bearer(token) });
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('AUTH_EXPIRED');
  });

  it('answers 502, never 401, when Supabase rejects the anon key', async () => {
    fake.failNext(401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
    const res = await app.json<Envelope>('/v1/user/balance', { headers: bearer(token) });
    expect(res.status).to.equal(502);
    expect(res.body.error.code).to.equal('UPSTREAM_ERROR');
    expect(JSON.stringify(res.body)).not.to.contain(fake.anonKey);
  });
});
