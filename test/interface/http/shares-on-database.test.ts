import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADAPTER_BINDINGS, type AdapterBinding } from '../../../src/composition-root';
import { CONVERSATION_INDEX, type ConversationIndex } from '../../../src/ports/conversation-index.port';
import { startApp, type RunningApp } from '../../support/http';
import { fixtureText, postImport } from '../../support/import-client';
import { testConfig } from '../../support/test-config';
import { describeServer } from '../../../src/adapters/postgres/pg-pool-database';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../../support/test-postgres';
import { bearer, devToken, USER_A } from '../../support/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Backend {
  /** The service on the same database each time. */
  start(): Promise<RunningApp>;
  /** What the banner names for the stores of that database. */
  binding(): Omit<AdapterBinding, 'port'>;
}

/**
 * Shares and the import ledger live in the service's own database, beside the conversations: a
 * share made through the API and the record of an import are still there after the service
 * restarts on the same database (in memory they were lost), and deleting a conversation takes its
 * shares (404 afterwards) and its ledger entry (the source is imported again) with it.
 */
function describeSharesOnDatabase(label: string, backend: () => Backend): void {
  describe(`shares and the import ledger on the database, across a restart (${label})`, function () {
    this.timeout(120_000);
    const alice = bearer(devToken(USER_A));
    let app: RunningApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });
    const call = (method: string, url: string, body?: unknown) =>
      app!.json<Json>(url, {
        method,
        headers: { ...alice, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const importFixture = async (): Promise<Json[]> => {
      const res = await postImport(app!, fixtureText('import/chatgpt-conversations.json'));
      expect(res.status).to.equal(200);
      return ((await res.json()) as Json).data.conversations;
    };
    const restart = async (): Promise<void> => {
      await app!.close();
      app = await backend().start();
    };

    it('keeps a share across a restart; a share of a conversation deleted since is 404', async () => {
      app = await backend().start();
      const bindings = app.container.resolve<AdapterBinding[]>(ADAPTER_BINDINGS);
      for (const port of ['ShareStore', 'ImportLedger']) {
        expect(bindings.find((b) => b.port === port)).to.deep.equal({ port, ...backend().binding() });
      }
      const chat = await call('POST', '/v1/chat/completions', { message: 'A recipe worth sharing', stream: false });
      expect(chat.status, JSON.stringify(chat.body)).to.equal(200);
      const id: string = chat.body.conversation.conversation_id;
      const created = await call('POST', `/v1/conversations/${id}/shares`, {});
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const shareId: string = created.body.data.share_id;
      const before = await app.json<Json>(`/v1/shares/${shareId}`);
      expect(before.status).to.equal(200);

      await restart();
      const after = await app.json<Json>(`/v1/shares/${shareId}`);
      expect(after.status).to.equal(200);
      expect(after.body).to.deep.equal(before.body);
      expect((await call('GET', `/v1/conversations/${id}/shares`)).body.data.map((s: Json) => s.share_id)).to.deep.equal([shareId]);

      const index = app.container.resolve<ConversationIndex>(CONVERSATION_INDEX);
      expect(await index.deleteConversations({ userId: USER_A, token: 't' }, [id])).to.deep.equal([id]);
      expect((await app.json<Json>(`/v1/shares/${shareId}`)).status).to.equal(404);
      expect((await app.request(`/s/${shareId}`)).status).to.equal(404);
    });

    it('remembers an import across a restart; a deleted imported conversation is imported again', async () => {
      app = await backend().start();
      const first = await importFixture();
      const imported = first.filter((c) => c.status === 'imported');
      expect(imported).to.have.length(3);

      await restart();
      const again = await importFixture();
      for (const c of imported) {
        expect(again.find((r) => r.source_id === c.source_id)).to.include({
          status: 'skipped',
          reason: 'already_imported',
          conversation_id: c.conversation_id,
        });
      }

      const [gone, ...kept] = imported;
      const index = app.container.resolve<ConversationIndex>(CONVERSATION_INDEX);
      expect(await index.deleteConversations({ userId: USER_A, token: 't' }, [gone!.conversation_id])).to.deep.equal([
        gone!.conversation_id,
      ]);
      const third = await importFixture();
      const back = third.find((r) => r.source_id === gone!.source_id);
      expect(back).to.include({ status: 'imported' });
      expect(back!.conversation_id).not.to.equal(gone!.conversation_id);
      for (const c of kept)
        expect(third.find((r) => r.source_id === c.source_id)).to.include({ status: 'skipped', reason: 'already_imported' });
    });
  });
}

describe('the database-backed service keeps shares and imports', () => {
  describe('on a DATA_DIR (embedded PGlite)', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'acg-shares-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    describeSharesOnDatabase('PGlite', () => ({
      start: () => startApp({ config: testConfig({ LOG_LEVEL: 'info', STORAGE: 'pglite', DATA_DIR: dir }) }),
      binding: () => ({ adapter: 'pglite', target: dir }),
    }));
  });

  describe('on the PostgreSQL server (DATABASE_URL)', () => {
    requirePostgres();
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase();
    });
    after(async () => testDb?.drop());
    describeSharesOnDatabase('PostgreSQL server', () => ({
      start: () => startApp({ config: testConfig({ LOG_LEVEL: 'info', DATABASE_URL: testDb.url, DATABASE_POOL_SIZE: '4' }) }),
      binding: () => ({ adapter: 'postgres', target: describeServer(testDb.url) }),
    }));
  });
});
