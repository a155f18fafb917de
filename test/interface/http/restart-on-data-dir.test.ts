import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../support/http';
import { testConfig } from '../../support/test-config';
import { bearer, devToken, USER_A } from '../../support/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The embedded default keeps conversations across restarts: the app on a DATA_DIR (PGlite on
 * disk), a chat, a branch, the app stopped, a new one started on the same directory.
 */
describe('restart on a DATA_DIR (embedded PGlite)', function () {
  this.timeout(120_000);
  const alice = bearer(devToken(USER_A));
  let dir: string;
  let app: RunningApp | undefined;
  const start = () => startApp({ config: testConfig({ LOG_LEVEL: 'info', STORAGE: 'pglite', DATA_DIR: dir }) });
  const call = (method: string, url: string, body?: unknown) =>
    app!.json<Json>(url, {
      method,
      headers: { ...alice, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'acg-data-'));
  });
  after(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the conversation, its branches and its search hits after a restart', async () => {
    app = await start();
    const chat = await call('POST', '/v1/chat/completions', { message: 'Remember the word quetzalcoatl', stream: false });
    expect(chat.status, JSON.stringify(chat.body)).to.equal(200);
    const { conversation_id: id, user_message_id: question } = chat.body.conversation;
    const branch = await call('POST', `/v1/conversations/${id}/branches`, { from_message_id: question, name: 'second thoughts' });
    expect(branch.status, JSON.stringify(branch.body)).to.equal(201);
    const before = (await call('GET', `/v1/conversations/${id}/full`)).body.data;
    await app.close();
    app = undefined;

    app = await start();
    const health = await app.json<Json>('/health');
    expect(health.body.services.database).to.deep.include({ adapter: 'pglite', details: { driver: 'pglite', location: dir } });
    const after = await call('GET', `/v1/conversations/${id}/full`);
    expect(after.status).to.equal(200);
    expect(after.body.data).to.deep.equal(before);
    expect(after.body.data.branches.map((b: Json) => b.name)).to.deep.equal(['Main', 'second thoughts']);
    const found = await call('GET', '/v1/conversations/search?q=quetzalcoatl');
    expect(found.body.data.items.map((h: Json) => h.id)).to.deep.equal([id]);
    expect(found.body.data.items[0].matches.map((m: Json) => m.message_id)).to.include(question);
  });
});
