import { expect } from 'chai';
import { CONVERSATION_STORE, type ConversationStore } from '../../../src/ports/conversation-store.port';
import { expectErrorEnvelope } from '../../support/envelope';
import { startApp, type RunningApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { devToken, USER_A, USER_B } from '../../support/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('share links', () => {
  let app: RunningApp;
  let store: ConversationStore;
  const a = { userId: USER_A, token: 't' };
  let conversationId: string;
  let branchId: string;

  const as = (userId: string | null, method = 'GET', body?: unknown): RequestInit => ({
    method,
    headers: {
      ...(userId ? { Authorization: `Bearer ${devToken(userId)}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const share = (userId = USER_A, body: unknown = {}) =>
    app.json<Json>(`/v1/conversations/${conversationId}/shares`, as(userId, 'POST', body));

  async function start(env: Record<string, string> = {}): Promise<void> {
    app = await startApp({ config: testConfig({ PUBLIC_BASE_URL: 'https://chat.example.com', ...env }) });
    store = app.container.resolve<ConversationStore>(CONVERSATION_STORE);
    const q = await store.addUserMessage(a, { content: 'What is the capital of Georgia?', model: 'local/echo' });
    await store.saveAssistantMessage(a, {
      conversation_id: q.conversation_id,
      branch_id: q.branch_id,
      parent_id: q.message_id,
      content: 'Tbilisi.',
      model: 'local/echo',
    });
    conversationId = q.conversation_id;
    branchId = q.branch_id;
  }
  afterEach(() => app.close());

  describe('with the default limits', () => {
    beforeEach(() => start());

    it('creates a snapshot link that anyone reads without a token, with nothing of the owner', async () => {
      const created = await share();
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const link = created.body.data;
      expect(link.share_id).to.match(/^[A-Za-z0-9_-]{32}$/);
      expect(link).to.include({ conversation_id: conversationId, branch_id: branchId, url: `https://chat.example.com/s/${link.share_id}` });
      expect(link.api_url).to.equal(`https://chat.example.com/v1/shares/${link.share_id}`);

      const read = await app.json<Json>(`/v1/shares/${link.share_id}`, as(null));
      expect(read.status).to.equal(200);
      expect(read.body.data).to.deep.include({
        share_id: link.share_id,
        title: 'What is the capital of Georgia?'.slice(0, 50) === read.body.data.title ? read.body.data.title : read.body.data.title,
      });
      expect(read.body.data.messages.map((m: Json) => `${m.role}: ${m.content}`)).to.deep.equal([
        'user: What is the capital of Georgia?',
        'assistant: Tbilisi.',
      ]);
      expect(Object.keys(read.body.data).sort()).to.deep.equal(['messages', 'model', 'share_id', 'shared_at', 'title']);
      for (const m of read.body.data.messages) expect(Object.keys(m).sort()).to.deep.equal(['content', 'created_at', 'model', 'role']);
      const text = JSON.stringify(read.body) + [...read.headers.entries()].join();
      const full = await store.getConversationFull(a, conversationId);
      for (const secret of [USER_A, 'user@example.com', conversationId, branchId, ...full.messages.map((m) => m.id)]) {
        expect(text).not.to.contain(secret);
      }
      const page = await app.request(`/s/${link.share_id}`);
      const html = await page.text();
      for (const secret of [USER_A, 'user@example.com', conversationId, branchId]) expect(html).not.to.contain(secret);
    });

    it('is a snapshot: later messages are not in it; a branch can be chosen', async () => {
      const created = (await share()).body.data;
      const q2 = await store.addUserMessage(a, { conversation_id: conversationId, content: 'And of France?' });
      const read = await app.json<Json>(`/v1/shares/${created.share_id}`, as(null));
      expect(read.body.data.messages).to.have.length(2);
      const other = await share(USER_A, { branch_id: q2.branch_id });
      expect(other.status).to.equal(201);
      expect((await app.json<Json>(`/v1/shares/${other.body.data.share_id}`, as(null))).body.data.messages).to.have.length(3);
      const unknownBranch = await share(USER_A, { branch_id: '00000000-0000-4000-8000-000000000000' });
      expectErrorEnvelope(unknownBranch, 404, 'NOT_FOUND');
    });

    it('answers ETag and 304 for If-None-Match, on the JSON and on the page', async () => {
      const { share_id } = (await share()).body.data;
      for (const path of [`/v1/shares/${share_id}`, `/s/${share_id}`]) {
        const first = await app.request(path);
        const etag = first.headers.get('etag');
        expect(etag, path).to.match(/^"[A-Za-z0-9_-]+"$/);
        expect(first.headers.get('cache-control')).to.equal('public, no-cache');
        const again = await app.request(path, { headers: { 'If-None-Match': etag! } });
        expect(again.status, path).to.equal(304);
        expect(await again.text()).to.equal('');
        const stale = await app.request(path, { headers: { 'If-None-Match': '"old"' } });
        expect(stale.status).to.equal(200);
      }
    });

    it('lists and revokes; a revoked link is 404 everywhere', async () => {
      const one = (await share()).body.data;
      const two = (await share()).body.data;
      const list = await app.json<Json>(`/v1/conversations/${conversationId}/shares`, as(USER_A));
      expect(list.body.data.map((s: Json) => s.share_id).sort()).to.deep.equal([one.share_id, two.share_id].sort());
      const revoked = await app.json<Json>(`/v1/shares/${one.share_id}`, as(USER_A, 'DELETE'));
      expect(revoked.status).to.equal(200);
      expect(revoked.body.data).to.deep.equal({ revoked: true });
      expectErrorEnvelope(await app.json(`/v1/shares/${one.share_id}`, as(null)), 404, 'NOT_FOUND');
      const page = await app.request(`/s/${one.share_id}`);
      expect(page.status).to.equal(404);
      expect(page.headers.get('content-type')).to.match(/^text\/html/);
      expect(await page.text()).to.contain('This link does not exist');
      expectErrorEnvelope(await app.json(`/v1/shares/${one.share_id}`, as(USER_A, 'DELETE')), 404, 'NOT_FOUND');
      const after = await app.json<Json>(`/v1/conversations/${conversationId}/shares`, as(USER_A));
      expect(after.body.data.map((s: Json) => s.share_id)).to.deep.equal([two.share_id]);
      expect((await app.json(`/v1/shares/${two.share_id}`, as(null))).status).to.equal(200);
    });

    it("lets no other user share, list or revoke someone's conversation or link", async () => {
      expectErrorEnvelope(await share(USER_B), 404, 'NOT_FOUND');
      expectErrorEnvelope(await app.json(`/v1/conversations/${conversationId}/shares`, as(USER_B)), 404, 'NOT_FOUND');
      const { share_id } = (await share()).body.data;
      expectErrorEnvelope(await app.json(`/v1/shares/${share_id}`, as(USER_B, 'DELETE')), 404, 'NOT_FOUND');
      expect((await app.json(`/v1/shares/${share_id}`, as(null))).status).to.equal(200);
    });

    it('needs a token for everything but the two reads; unknown and malformed ids', async () => {
      const { share_id } = (await share()).body.data;
      expectErrorEnvelope(await app.json(`/v1/conversations/${conversationId}/shares`, as(null, 'POST', {})), 401, 'AUTH_REQUIRED');
      expectErrorEnvelope(await app.json(`/v1/conversations/${conversationId}/shares`, as(null)), 401, 'AUTH_REQUIRED');
      expectErrorEnvelope(await app.json(`/v1/shares/${share_id}`, as(null, 'DELETE')), 401, 'AUTH_REQUIRED');
      // An unknown /v1 path still does not tell an anonymous caller whether it exists.
      expectErrorEnvelope(await app.json(`/v1/shares/${share_id}/other`, as(null)), 401, 'AUTH_REQUIRED');
      expectErrorEnvelope(await app.json(`/v1/shares/${'A'.repeat(32)}`, as(null)), 404, 'NOT_FOUND');
      expectErrorEnvelope(await app.json('/v1/shares/short', as(null)), 422, 'VALIDATION_ERROR');
    });

    it('serves the page with a strict CSP, no script, escaped text and an Open Graph title', async () => {
      await store.updateConversation(a, conversationId, { title: 'Capitals "and" <cities>' });
      const q = await store.addUserMessage(a, { conversation_id: conversationId, content: '<script>alert(1)</script>' });
      await store.saveAssistantMessage(a, {
        conversation_id: conversationId,
        branch_id: q.branch_id,
        parent_id: q.message_id,
        content: '**Yes** [x](javascript:alert(1)) <b onclick="x()">b</b>\n\n![pixel](https://tracker.example/p.gif)',
        model: 'local/echo',
      });
      const { url } = (await share()).body.data;
      const res = await app.request(new URL(url).pathname);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp)
        .to.contain("default-src 'none'")
        .and.contain("script-src 'none'")
        .and.match(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).not.to.contain('unsafe-inline');
      const html = await res.text();
      expect(html).to.contain('<meta property="og:title" content="Capitals &quot;and&quot; &lt;cities&gt;">');
      expect(html).to.contain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).to.contain('<strong>Yes</strong>');
      expect(html).not.to.match(/<script|href="javascript:|<[a-z]+[^>]*\son[a-z]+=|<img/i);
      expect(html).to.contain('&lt;b onclick="x()"&gt;');
      expect(html).to.contain('href="https://tracker.example/p.gif"');
    });
  });

  it('limits public reads per client IP', async () => {
    await start({ RATE_LIMIT_ANONYMOUS: '4' });
    const { share_id } = (await share()).body.data;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.request(`/v1/shares/${share_id}`)).status);
    const refused = await app.json(`/v1/shares/${share_id}`, as(null));
    expect(statuses.filter((s) => s === 200).length).to.be.greaterThan(0);
    expectErrorEnvelope(refused, 429, 'RATE_LIMITED');
    expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
  });
});
