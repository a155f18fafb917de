import { expect } from 'chai';
import { MemoryConversationStore } from '../../../src/adapters/memory/memory-conversation-store';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { allRoutes } from '../../../src/interface/http/routes/all-routes';
import { CONVERSATION_STORE, type ConversationStore } from '../../../src/ports/conversation-store.port';
import { createAjv } from '../../../src/support/json-schema';
import { MODEL_CATALOG_SOURCE } from '../../../src/ports/model-catalog.port';
import { serveConversationTables } from '../../fakes/fake-conversation-tables';
import { FakeEdgeFunction } from '../../fakes/fake-edge-function';
import { FakeSupabaseRest } from '../../fakes/fake-supabase-rest';
import { seedDataset, SteppingClock, type Dataset } from '../../support/conversation-dataset';
import { expectErrorEnvelope } from '../../support/envelope';
import { startApp, type RunningApp } from '../../support/http';
import { DATASET_NOW, PricedCatalogSource } from '../../support/seeded-container';
import { testConfig } from '../../support/test-config';
import { devToken, USER_A, USER_B } from '../../support/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Setup {
  app: RunningApp;
  store: ConversationStore;
  data: Dataset;
  /** Bearer tokens the app accepts (with `iss` when SUPABASE_URL is set). */
  tokenOf(userId: string): string;
  close(): Promise<void>;
}

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/**
 * Every route of the conversation index over HTTP, on the known data set: run against the embedded
 * default and against the fakes (Edge Function and Supabase REST over one memory store, as both
 * upstreams share one database), with the same expectations.
 */
export function conversationIndexRouteSuite(label: string, start: () => Promise<Setup>): void {
  describe(`conversation index routes (${label})`, () => {
    let s: Setup;
    let data: Dataset;
    const as = (userId: string, method = 'GET', body?: unknown): RequestInit => ({
      method,
      headers: { Authorization: `Bearer ${s.tokenOf(userId)}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const get = (path: string, userId = USER_A) => s.app.json<Json>(path, as(userId));
    const send = (method: string, path: string, body: unknown, userId = USER_A) => s.app.json<Json>(path, as(userId, method, body));

    beforeEach(async () => {
      s = await start();
      data = s.data;
    });
    afterEach(async () => s.close());

    it('requires a token on every route', async () => {
      for (const [method, path] of [
        ['GET', '/v1/conversations/search?q=x'],
        ['POST', '/v1/conversations/batch'],
        ['DELETE', '/v1/conversations/batch'],
        ['POST', '/v1/export/conversations'],
        ['GET', '/v1/user/usage'],
        ['GET', '/v1/user/conversations/stats'],
      ] as const) {
        const res = await s.app.json<Json>(path, { method });
        expectErrorEnvelope(res, 401, 'AUTH_REQUIRED');
      }
    });

    describe('GET /v1/conversations/search', () => {
      it('finds a word from the middle of a reply, title matches first, with snippets and highlights', async () => {
        const res = await get('/v1/conversations/search?q=fortress');
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.success).to.equal(true);
        const { items, pagination, query, truncated } = res.body.data;
        expect(items.map((h: Json) => h.id)).to.deep.equal([data.fortress.id, data.budget.id, data.tbilisi.id]);
        expect(items[0].title_highlights).to.deep.equal([{ start: 9, end: 17 }]);
        const match = items[2].matches[0];
        expect(match.message_id).to.equal(data.tbilisi.messages[1]);
        expect(match.snippet.slice(match.highlights[0].start, match.highlights[0].end)).to.equal('fortress');
        expect(pagination).to.deep.equal({ page: 1, limit: 20, total: 3, pages: 1 });
        expect([query, truncated]).to.deep.equal(['fortress', false]);
      });

      it('applies every filter and pages', async () => {
        const ids = async (query: string) =>
          (await get(`/v1/conversations/search?q=fortress&${query}`)).body.data.items.map((h: Json) => h.id);
        expect(await ids('model=gpt-4o')).to.deep.equal([data.tbilisi.id]);
        expect(await ids('date_from=2026-01-11')).to.deep.equal([data.fortress.id, data.budget.id]);
        expect(await ids('date_to=2026-01-12')).to.deep.equal([data.budget.id, data.tbilisi.id]);
        expect(await ids('min_messages=3&max_messages=3')).to.deep.equal([data.fortress.id]);
        expect(await ids('max_messages=2')).to.deep.equal([data.tbilisi.id]);
        const page = await get('/v1/conversations/search?q=fortress&page=2&limit=2');
        expect(page.body.data.items.map((h: Json) => h.id)).to.deep.equal([data.tbilisi.id]);
        expect(page.body.data.pagination).to.deep.equal({ page: 2, limit: 2, total: 3, pages: 2 });
      });

      it('matches hostile, metacharacter and unicode terms literally', async () => {
        const ids = async (q: string) =>
          (await get(`/v1/conversations/search?q=${encodeURIComponent(q)}`)).body.data.items.map((h: Json) => h.id);
        expect(await ids('x,user_id.neq.0')).to.deep.equal([data.hostile.id]);
        expect(await ids('&or=(user_id.neq.0)')).to.deep.equal([]);
        expect(await ids('or=(id.neq.0)')).to.deep.equal([data.hostile.id]);
        expect(await ids('50%')).to.deep.equal([data.hostile.id, data.budget.id]);
        expect(await ids('budget_total')).to.deep.equal([data.budget.id]);
        expect(await ids('a*b')).to.deep.equal([data.hostile.id]);
        expect(await ids('x%y')).to.deep.equal([]);
        expect(await ids('ПРИВЕТ')).to.deep.equal([data.unicode.id]);
        expect(await ids('cafe\u0301')).to.deep.equal([data.unicode.id]);
      });

      it("never shows another user's conversations", async () => {
        expect((await get('/v1/conversations/search?q=Narikala', USER_B)).body.data.items).to.deep.equal([]);
        const bobs = await get('/v1/conversations/search?q=fortress', USER_B);
        expect(bobs.body.data.items.map((h: Json) => h.id)).to.deep.equal([data.bobs.id]);
        expect((await get('/v1/conversations/search?q=secrets')).body.data.items).to.deep.equal([]);
      });

      const bad: [string, string, string[]][] = [
        ['no q (and the path is not taken for an id)', '', ['q']],
        ['a NUL byte', 'q=fort%00ress', ['q']],
        ['a blank q', 'q=%20%20', ['q']],
        ['a q over 200 characters', `q=${'x'.repeat(201)}`, ['q']],
        ['an inverted date range', 'q=x&date_from=2026-01-12&date_to=2026-01-10', ['date_from', 'date_to']],
        ['an impossible date', 'q=x&date_from=2026-02-30', ['date_from']],
        ['a date that is not a date', 'q=x&date_to=last-week', ['date_to']],
        ['min_messages over max_messages', 'q=x&min_messages=5&max_messages=1', ['min_messages', 'max_messages']],
        ['a negative message count', 'q=x&min_messages=-1', ['min_messages']],
        ['a limit over 100', 'q=x&limit=101', ['limit']],
        ['an unknown parameter', 'q=x&user_id=1', ['user_id']],
      ];
      for (const [labelOf, query, paths] of bad) {
        it(`answers 422 for ${labelOf}`, async () => {
          const res = await get(`/v1/conversations/search?${query}`);
          const error = expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
          expect((error.details?.fields as { path: string }[]).map((f) => f.path)).to.deep.equal(paths);
        });
      }
    });

    describe('GET /v1/conversations with filters', () => {
      it('filters by q, model and date, in the order asked, in the list shape', async () => {
        const list = async (query: string) => (await get(`/v1/conversations?${query}`)).body.data;
        expect((await list('q=fortress&sort=created_at.asc')).items.map((c: Json) => c.id)).to.deep.equal([
          data.tbilisi.id,
          data.budget.id,
          data.fortress.id,
        ]);
        const mini = await list('model=gpt-4o-mini');
        expect(mini.items.map((c: Json) => c.id)).to.deep.equal([data.empty.id, data.budget.id]);
        expect(mini.pagination).to.deep.equal({ page: 1, limit: 20, total: 2, pages: 1 });
        expect(Object.keys(mini.items[0]).sort()).to.deep.equal(['created_at', 'id', 'model', 'title', 'updated_at']);
        expect((await list('date_from=2026-01-15&date_to=2026-01-18&sort=created_at.desc')).items.map((c: Json) => c.id)).to.deep.equal([
          data.unicode.id,
          data.hostile.id,
        ]);
        expect((await list('q=fortress')).items.map((c: Json) => c.id)).to.not.include(data.bobs.id);
        const plain = await list('page=1&limit=50');
        expect(plain.pagination.total).to.equal(6);
      });

      it('rejects bad filters with 422', async () => {
        for (const [query, path] of [
          ['date_from=2026-01-12&date_to=2026-01-10', 'date_from'],
          ['sort=title.asc', 'sort'],
          ['q=a%00b', 'q'],
        ]) {
          const error = expectErrorEnvelope(await get(`/v1/conversations?${query}`), 422, 'VALIDATION_ERROR');
          expect((error.details?.fields as { path: string }[])[0]!.path).to.equal(path);
        }
      });
    });

    describe('POST /v1/conversations/batch', () => {
      it('updates each item on its own and reports every one, never stopping at a failure', async () => {
        const res = await send('POST', '/v1/conversations/batch', {
          items: [
            { id: data.tbilisi.id, title: 'Tbilisi, three days' },
            { id: data.bobs.id, title: 'Taken' },
            { id: UNKNOWN, model: 'gpt-4o' },
            { id: data.budget.id, title: 'Budget 2026', model: 'gpt-4o' },
          ],
        });
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.data.results.map((r: Json) => [r.id, r.ok, r.error?.code ?? null])).to.deep.equal([
          [data.tbilisi.id, true, null],
          [data.bobs.id, false, 'NOT_FOUND'],
          [UNKNOWN, false, 'NOT_FOUND'],
          [data.budget.id, true, null],
        ]);
        expect(res.body.data.results[3].conversation).to.include({ title: 'Budget 2026', model: 'gpt-4o' });
        expect(res.body.data).to.include({ succeeded: 2, failed: 2 });
        expect((await get(`/v1/conversations/${data.tbilisi.id}`)).body.data.title).to.equal('Tbilisi, three days');
        expect((await get(`/v1/conversations/${data.bobs.id}`, USER_B)).body.data.title).to.equal('Tbilisi fortress secrets');
        const search = await get('/v1/conversations/search?q=2026');
        expect(search.body.data.items.map((h: Json) => h.id)).to.deep.equal([data.budget.id]);
      });

      it('rejects duplicates, more than 100 items, items that change nothing and unknown fields with 422', async () => {
        const cases: [unknown, string][] = [
          [
            {
              items: [
                { id: data.tbilisi.id, title: 'a' },
                { id: data.tbilisi.id, title: 'b' },
              ],
            },
            'items.1.id',
          ],
          [{ items: Array.from({ length: 101 }, () => ({ id: data.tbilisi.id, title: 'a' })) }, 'items'],
          [{ items: [] }, 'items'],
          [{ items: [{ id: data.tbilisi.id }] }, 'items.0'],
          [{ items: [{ id: data.tbilisi.id, title: 'a', user_id: USER_B }] }, 'items.0.user_id'],
          [{ items: [{ id: 'not-a-uuid', title: 'a' }] }, 'items.0.id'],
        ];
        for (const [body, path] of cases) {
          const error = expectErrorEnvelope(await send('POST', '/v1/conversations/batch', body), 422, 'VALIDATION_ERROR');
          expect(
            (error.details?.fields as { path: string }[]).map((f) => f.path),
            JSON.stringify(body).slice(0, 80),
          ).to.include(path);
        }
        expect((await get(`/v1/conversations/${data.tbilisi.id}`)).body.data.title).to.equal('Trip planning for Tbilisi');
      });
    });

    describe('DELETE /v1/conversations/batch', () => {
      it('asks for confirmation, then deletes exactly what it showed; other users’ ids are never revealed nor deleted', async () => {
        const ids = [data.tbilisi.id, data.bobs.id, UNKNOWN];
        const first = await send('DELETE', '/v1/conversations/batch', { ids });
        const error = expectErrorEnvelope(first, 409, 'CONFIRMATION_REQUIRED');
        const details = error.details as Json;
        expect(details.conversations).to.deep.equal([
          { id: data.tbilisi.id, title: 'Trip planning for Tbilisi', message_count: 2, updated_at: details.conversations[0].updated_at },
        ]);
        expect(details.not_found).to.deep.equal([data.bobs.id, UNKNOWN]);
        expect(JSON.stringify(first.body)).not.to.contain('secrets');
        expect((await get(`/v1/conversations/${data.tbilisi.id}`)).status).to.equal(200);

        const bobReplays = await send('DELETE', '/v1/conversations/batch', { ids, confirmation_token: details.confirmation_token }, USER_B);
        const refused = expectErrorEnvelope(bobReplays, 409, 'CONFIRMATION_REQUIRED').details as Json;
        expect(refused.token_refused).to.equal('mismatch');
        expect(refused.conversations.map((c: Json) => c.id)).to.deep.equal([data.bobs.id]);
        expect((await get(`/v1/conversations/${data.bobs.id}`, USER_B)).status).to.equal(200);

        const otherSet = await send('DELETE', '/v1/conversations/batch', {
          ids: [data.tbilisi.id, data.budget.id],
          confirmation_token: details.confirmation_token,
        });
        expect((expectErrorEnvelope(otherSet, 409, 'CONFIRMATION_REQUIRED').details as Json).token_refused).to.equal('mismatch');
        expect((await get(`/v1/conversations/${data.budget.id}`)).status).to.equal(200);

        const confirmed = await send('DELETE', '/v1/conversations/batch', { ids, confirmation_token: details.confirmation_token });
        expect(confirmed.status, JSON.stringify(confirmed.body)).to.equal(200);
        expect(confirmed.body.data.results).to.deep.equal([
          { id: data.tbilisi.id, ok: true },
          { id: data.bobs.id, ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } },
          { id: UNKNOWN, ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } },
        ]);
        expectErrorEnvelope(await get(`/v1/conversations/${data.tbilisi.id}`), 404, 'NOT_FOUND');
        expect((await get(`/v1/conversations/${data.bobs.id}`, USER_B)).status).to.equal(200);
        expect((await get('/v1/conversations/search?q=Narikala')).body.data.items).to.deep.equal([]);
        const audit = s.app.logs
          .records()
          .filter((r) => r.audit === true)
          .map((r) => r.event);
        expect(audit).to.include.members(['batch_delete_confirmation_issued', 'batch_delete_token_refused', 'conversations_batch_deleted']);
        expect(s.app.logs.text()).not.to.contain(details.confirmation_token);
      });

      it('rejects duplicates, more than 100 ids and malformed ids with 422', async () => {
        for (const body of [
          { ids: [data.tbilisi.id, data.tbilisi.id.toUpperCase()] },
          { ids: Array.from({ length: 101 }, () => data.tbilisi.id) },
          { ids: [] },
          { ids: ['1 or 1=1'] },
          { ids: [data.tbilisi.id], confirmation_token: '' },
        ]) {
          expectErrorEnvelope(await send('DELETE', '/v1/conversations/batch', body), 422, 'VALIDATION_ERROR');
        }
      });

      it('drops the cached statistics', async () => {
        expect((await get('/v1/user/conversations/stats')).body.data.conversations).to.equal(6);
        const first = await send('DELETE', '/v1/conversations/batch', { ids: [data.empty.id] });
        const token = (first.body.error.details as Json).confirmation_token;
        expect((await send('DELETE', '/v1/conversations/batch', { ids: [data.empty.id], confirmation_token: token })).status).to.equal(200);
        expect((await get('/v1/user/conversations/stats')).body.data.conversations).to.equal(5);
      });
    });

    describe('POST /v1/export/conversations', () => {
      it('downloads Markdown as an attachment', async () => {
        const res = await s.app.request(
          '/v1/export/conversations',
          as(USER_A, 'POST', { ids: [data.fortress.id, UNKNOWN], format: 'markdown', branches: 'all' }),
        );
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.equal('text/markdown; charset=utf-8');
        expect(res.headers.get('content-disposition')).to.equal('attachment; filename="conversations-20260121-120000.md"');
        expect(res.headers.get('x-request-id')).to.be.a('string');
        const text = await res.text();
        expect(text.startsWith('# Conversation export\n')).to.equal(true);
        expect(text).to.contain('## Notes on fortress architecture');
        expect(text).to.contain('### Branch: Regenerated (active)');
        expect(text).to.contain(`- \`${UNKNOWN}\`: not found`);
        expect(text.trimEnd().endsWith('_End of export: 1 conversation exported._')).to.equal(true);
      });

      it('downloads everything as JSON; another user gets only theirs', async () => {
        const res = await s.app.request('/v1/export/conversations', as(USER_A, 'POST', {}));
        expect(res.headers.get('content-type')).to.equal('application/json; charset=utf-8');
        const doc = (await res.json()) as Json;
        expect(doc.conversations.map((c: Json) => c.conversation.id)).to.deep.equal(
          [data.tbilisi, data.budget, data.fortress, data.hostile, data.unicode, data.empty].map((c) => c.id),
        );
        expect(doc.exported).to.equal(6);
        const bobs = (await (
          await s.app.request('/v1/export/conversations', as(USER_B, 'POST', { ids: [data.tbilisi.id, data.bobs.id] }))
        ).json()) as Json;
        expect(bobs.conversations.map((c: Json) => c.conversation.id)).to.deep.equal([data.bobs.id]);
        expect(bobs.not_found).to.deep.equal([data.tbilisi.id]);
        expect(JSON.stringify(bobs)).not.to.contain('Narikala');
      });

      it('answers 422 in the envelope, before any download starts, for a bad request', async () => {
        for (const body of [
          { ids: [data.tbilisi.id, data.tbilisi.id] },
          { format: 'pdf' },
          { branches: 'some' },
          { ids: [] },
          { ids: Array.from({ length: 1001 }, () => UNKNOWN) },
        ]) {
          const res = await send('POST', '/v1/export/conversations', body);
          expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
          expect(res.headers.get('content-disposition')).to.equal(null);
        }
      });
    });

    describe('GET /v1/user/usage and /v1/user/conversations/stats', () => {
      it('answers usage per model with exact figures', async () => {
        const res = await get('/v1/user/usage?date_from=2026-01-01&date_to=2026-01-31&group_by=model');
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.data.totals).to.deep.equal({
          requests: 7,
          completion_tokens: 5040,
          cost_usd: 0.0107,
          unpriced_completion_tokens: 3500,
          requests_without_tokens: 1,
        });
        expect(res.body.data.items.map((i: Json) => [i.model, i.requests, i.completion_tokens, i.cost_usd])).to.deep.equal([
          ['gpt-4o', 3, 1040, 0.0104],
          ['claude-3-5-sonnet', 2, 3500, 0],
          ['gpt-4o-mini', 2, 500, 0.0003],
        ]);
        const bob = await get('/v1/user/usage?date_from=2026-01-01&date_to=2026-01-31', USER_B);
        expect(bob.body.data.totals).to.deep.include({ requests: 1, completion_tokens: 999 });
      });

      it('answers usage per day, every day of the default 30 days', async () => {
        const res = await get('/v1/user/usage');
        expect(res.body.data.range).to.deep.equal({ from: '2025-12-23T00:00:00.000Z', until: '2026-01-22T00:00:00.000Z' });
        expect(res.body.data.items).to.have.length(30);
        expect(res.body.data.items.find((i: Json) => i.date === '2026-01-14')).to.deep.include({ requests: 2, completion_tokens: 3500 });
      });

      it('rejects bad usage queries with 422', async () => {
        for (const query of [
          'date_from=2026-01-20&date_to=2026-01-10',
          'group_by=week',
          'date_from=2024-01-01&date_to=2026-01-01',
          'date_to=soon',
        ]) {
          expectErrorEnvelope(await get(`/v1/user/usage?${query}`), 422, 'VALIDATION_ERROR');
        }
      });

      it('answers statistics with exact figures', async () => {
        const res = await get('/v1/user/conversations/stats');
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.data).to.deep.include({ conversations: 6, messages: 13, branches: 7, truncated: false });
        expect(res.body.data.by_model).to.deep.equal([
          { model: 'gpt-4o', conversations: 3, messages: 6 },
          { model: 'gpt-4o-mini', conversations: 2, messages: 4 },
          { model: 'claude-3-5-sonnet', conversations: 1, messages: 3 },
        ]);
        expect(res.body.data.recent_activity).to.deep.include({
          window_days: 30,
          active_conversations: 6,
          conversations_created: 6,
          messages: 13,
        });
        expect((await get('/v1/user/conversations/stats', USER_B)).body.data).to.deep.include({
          conversations: 1,
          messages: 2,
          branches: 1,
        });
      });
    });

    it('answers what the OpenAPI schemas document', async () => {
      const ajv = createAjv();
      const schemaOf = (method: string, path: string, status: number) =>
        allRoutes().find((r) => r.method === method && r.path === path)!.responses[status]!.schema!;
      const check = (method: string, path: string, status: number, body: unknown) =>
        expect(ajv.validate(schemaOf(method, path, status), body), `${method} ${path}: ${JSON.stringify(ajv.errors)}`).to.equal(true);
      check('get', '/v1/conversations/search', 200, (await get('/v1/conversations/search?q=a')).body.data);
      check('get', '/v1/user/usage', 200, (await get('/v1/user/usage?group_by=model')).body.data);
      check('get', '/v1/user/usage', 200, (await get('/v1/user/usage')).body.data);
      check('get', '/v1/user/conversations/stats', 200, (await get('/v1/user/conversations/stats')).body.data);
      const batch = await send('POST', '/v1/conversations/batch', {
        items: [
          { id: data.tbilisi.id, title: 'x' },
          { id: UNKNOWN, title: 'y' },
        ],
      });
      check('post', '/v1/conversations/batch', 200, batch.body.data);
      const preview = await send('DELETE', '/v1/conversations/batch', { ids: [data.tbilisi.id, UNKNOWN] });
      check('delete', '/v1/conversations/batch', 409, preview.body);
      const token = (preview.body.error.details as Json).confirmation_token;
      const deleted = await send('DELETE', '/v1/conversations/batch', { ids: [data.tbilisi.id, UNKNOWN], confirmation_token: token });
      check('delete', '/v1/conversations/batch', 200, deleted.body.data);
    });

    it('lets a user find, rename ten, delete after confirming and download everything', async () => {
      const created: string[] = [];
      for (let i = 0; i < 10; i += 1) {
        const c = await send('POST', '/v1/conversations', { title: `Draft ${i}`, model: 'gpt-4o' });
        created.push(c.body.data.id);
      }
      const found = await get('/v1/conversations/search?q=Narikala');
      expect(found.body.data.items.map((h: Json) => h.id)).to.deep.equal([data.tbilisi.id]);
      const renamed = await send('POST', '/v1/conversations/batch', { items: created.map((id, i) => ({ id, title: `Archive ${i}` })) });
      expect(renamed.body.data).to.include({ succeeded: 10, failed: 0 });
      expect((await get('/v1/conversations/search?q=archive&limit=100')).body.data.pagination.total).to.equal(10);
      const preview = await send('DELETE', '/v1/conversations/batch', { ids: created });
      const token = (preview.body.error.details as Json).confirmation_token;
      const deleted = await send('DELETE', '/v1/conversations/batch', { ids: created, confirmation_token: token });
      expect(deleted.body.data).to.include({ deleted: 10, not_found: 0 });
      const markdown = await (await s.app.request('/v1/export/conversations', as(USER_A, 'POST', { format: 'markdown' }))).text();
      expect(markdown).to.contain('_End of export: 6 conversations exported._');
      expect(markdown).not.to.contain('Archive');
    });
  });
}

conversationIndexRouteSuite('embedded default', async () => {
  const clock = new SteppingClock();
  const app = await startApp({
    config: testConfig({ LOG_LEVEL: 'info' }),
    overrides: { clock },
    configure: (c) => c.registerInstance(MODEL_CATALOG_SOURCE, new PricedCatalogSource()),
  });
  const store = app.container.resolve<MemoryConversationStore>(CONVERSATION_STORE);
  const data = await seedDataset(store, clock);
  clock.freeze(DATASET_NOW);
  return { app, store, data, tokenOf: (userId) => devToken(userId), close: () => app.close() };
});

conversationIndexRouteSuite('fake Edge Function and fake Supabase REST over one database', async () => {
  const clock = new SteppingClock();
  const store = new MemoryConversationStore(clock, new CryptoIdGenerator());
  const edge = await FakeEdgeFunction.start(store);
  const rest = await FakeSupabaseRest.start();
  rest.maxRows = 4;
  serveConversationTables(rest, store);
  const app = await startApp({
    config: testConfig({
      LOG_LEVEL: 'info',
      EDGE_FUNCTION_URL: edge.url,
      SUPABASE_URL: rest.url,
      SUPABASE_ANON_KEY: rest.anonKey,
      SUPABASE_MAX_ROWS: '4',
    }),
    overrides: { clock },
    configure: (c) => c.registerInstance(MODEL_CATALOG_SOURCE, new PricedCatalogSource()),
  });
  const data = await seedDataset(store, clock);
  clock.freeze(DATASET_NOW);
  return {
    app,
    store,
    data,
    tokenOf: (userId) => devToken(userId, {}, { iss: `${rest.url}/auth/v1` }),
    close: async () => {
      await app.close();
      await edge.close();
      await rest.close();
    },
  };
});
