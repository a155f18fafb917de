import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createGatewayClient, type GatewayClient } from '../../clients/typescript';
import { startApp, type RunningApp } from '../support/http';
import { ResponseConformance } from '../support/openapi-conformance';
import { testConfig } from '../support/test-config';
import { devToken, USER_A } from '../support/tokens';

const ROOT = path.resolve(__dirname, '../../..');
const SCHEMA_FILE = 'clients/typescript/schema.d.ts';

/** The `client:generate` script of package.json, writing to `target` instead of the committed file. */
function generatorCommand(target: string): string {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = pkg.scripts['client:generate'] ?? '';
  expect(script, 'the client:generate script').to.contain(`-o ${SCHEMA_FILE}`).and.contain('openapi/openapi.json');
  return script.replace(`-o ${SCHEMA_FILE}`, `-o ${JSON.stringify(target)}`);
}

describe('generated TypeScript client (clients/typescript)', () => {
  it('schema.d.ts is what `npm run client:generate` makes from openapi/openapi.json', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'gateway-client-'));
    try {
      const target = path.join(dir, 'schema.d.ts');
      await promisify(execFile)('sh', ['-c', generatorCommand(target)], {
        cwd: ROOT,
        env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}` },
      });
      if (readFileSync(target, 'utf8') !== readFileSync(path.join(ROOT, SCHEMA_FILE), 'utf8')) {
        expect.fail(`${SCHEMA_FILE} is out of date: run \`npm run openapi && npm run client:generate\` and commit the result.`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('round trip against the running app (embedded default)', () => {
    let app: RunningApp;
    let api: GatewayClient;
    let conformance: ResponseConformance;
    // Filled in step by step: each step uses what the previous one created.
    const state: { conversationId?: string; userMessageId?: string; assistantMessageId?: string; branchId?: string } = {};

    before(async () => {
      app = await startApp({ config: testConfig({ LOCAL_MODEL_TOKEN_DELAY_MS: '0' }) });
      conformance = new ResponseConformance();
      api = createGatewayClient(app.url, () => devToken(USER_A));
      api.use(conformance.middleware);
    });
    afterEach(() => {
      expect(conformance.problems, conformance.problems.join('\n')).to.deep.equal([]);
    });
    after(async () => app.close());

    it('creates a conversation', async () => {
      const { data, error, response } = await api.POST('/v1/conversations', { body: { title: 'Generated client round trip' } });
      expect(error, JSON.stringify(error)).to.equal(undefined);
      expect(response.status).to.equal(201);
      expect(data?.data.title).to.equal('Generated client round trip');
      expect(data?.data.active_branch_id).to.be.a('string');
      state.conversationId = data?.data.id;
    });

    it('chats without streaming in that conversation', async () => {
      const { data, error, response } = await api.POST('/v1/chat/completions', {
        body: { conversation_id: state.conversationId, message: 'Hello from the generated client', stream: false },
      });
      expect(error, JSON.stringify(error)).to.equal(undefined);
      expect(data?.object).to.equal('chat.completion');
      expect(data?.choices[0]?.message.content).to.be.a('string').and.not.equal('');
      expect(data?.conversation.conversation_id).to.equal(state.conversationId);
      expect(response.headers.get('x-conversation-id')).to.equal(state.conversationId);
      state.userMessageId = data?.conversation.user_message_id;
      state.assistantMessageId = data?.conversation.assistant_message_id;
      expect(state.assistantMessageId).to.be.a('string');
    });

    it('lists it', async () => {
      const { data, error } = await api.GET('/v1/conversations', { params: { query: { page: 1, limit: 10 } } });
      expect(error, JSON.stringify(error)).to.equal(undefined);
      expect(data?.data.items.map((c) => c.id)).to.include(state.conversationId);
      expect(data?.data.pagination).to.include({ page: 1, limit: 10 });
      expect(data?.data.pagination.total).to.be.at.least(1);
    });

    it('branches from the user message and activates the branch', async () => {
      const id = state.conversationId!;
      const created = await api.POST('/v1/conversations/{id}/branches', {
        params: { path: { id } },
        body: { from_message_id: state.userMessageId, name: 'Second try' },
      });
      expect(created.error, JSON.stringify(created.error)).to.equal(undefined);
      expect(created.data?.data).to.include({ conversation_id: id, parent_message_id: state.userMessageId, name: 'Second try' });
      state.branchId = created.data?.data.id;

      const activated = await api.POST('/v1/conversations/{id}/branches/{branch_id}/activate', {
        params: { path: { id, branch_id: state.branchId! } },
      });
      expect(activated.error, JSON.stringify(activated.error)).to.equal(undefined);
      expect(activated.data?.data.active_branch_id).to.equal(state.branchId);
    });

    it('reads the full tree', async () => {
      const { data, error } = await api.GET('/v1/conversations/{id}/full', { params: { path: { id: state.conversationId! } } });
      expect(error, JSON.stringify(error)).to.equal(undefined);
      const full = data!.data;
      expect(full.branches.map((b) => b.name)).to.have.members(['Main', 'Second try']);
      expect(full.branches.find((b) => b.is_active)?.id).to.equal(state.branchId);
      expect(full.messages.map((m) => m.id)).to.include.members([state.userMessageId, state.assistantMessageId]);
      expect(full.tree.roots).to.deep.equal([state.userMessageId]);
      expect(full.tree.children[state.userMessageId!]).to.include(state.assistantMessageId);
      expect(full.tree.active_thread).to.deep.equal([state.userMessageId]);
    });

    it('exports it as JSON and as Markdown', async () => {
      const id = state.conversationId!;
      const unknown = '00000000-0000-4000-8000-000000000000';
      const json = await api.POST('/v1/export/conversations', { body: { ids: [id, unknown], format: 'json', branches: 'all' } });
      expect(json.error, JSON.stringify(json.error)).to.equal(undefined);
      expect(json.response.headers.get('content-disposition')).to.match(/^attachment; filename="conversations-[0-9-]+\.json"$/);
      const file = json.data!;
      expect(file.exported).to.equal(1);
      expect(file.not_found).to.deep.equal([unknown]);
      expect(file.conversations[0]?.conversation.id).to.equal(id);
      expect(file.conversations[0]?.branches.map((b) => b.name)).to.have.members(['Main', 'Second try']);
      // `all` orders by creation time: here both were created within the same millisecond.
      expect(file.conversations[0]?.messages.map((m) => m.id)).to.have.members([state.userMessageId, state.assistantMessageId]);

      const markdown = await api.POST('/v1/export/conversations', { body: { ids: [id], format: 'markdown' }, parseAs: 'text' });
      expect(markdown.response.headers.get('content-type')).to.match(/^text\/markdown/);
      expect(markdown.data).to.contain('# Conversation export').and.contain('## Generated client round trip');
    });

    it('gets typed errors in the envelope', async () => {
      const missing = await api.GET('/v1/conversations/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } });
      expect(missing.response.status).to.equal(404);
      expect(missing.error?.success).to.equal(false);
      expect(missing.error?.error.code).to.equal('NOT_FOUND');
      expect(missing.error?.error.request_id).to.equal(missing.response.headers.get('x-request-id'));

      const anonymous = createGatewayClient(app.url, 'not-a-token');
      anonymous.use(conformance.middleware);
      const refused = await anonymous.GET('/v1/user/balance');
      expect(refused.response.status).to.equal(401);
      expect(refused.error?.error.code).to.equal('AUTH_INVALID');
    });

    it('would notice a server that drifts from the spec', async () => {
      const strict = new ResponseConformance();
      const headers = { 'content-type': 'application/json', 'x-request-id': 'r1' };
      const drifted = { success: true, data: { id: state.conversationId, title: 7 } };
      await strict.check('/v1/conversations/{id}', 'get', new Response(JSON.stringify(drifted), { status: 200, headers }));
      await strict.check('/v1/conversations/{id}', 'get', new Response('{}', { status: 418, headers }));
      await strict.check('/v1/conversations/{id}', 'delete', new Response('{}', { status: 200, headers }));
      expect(strict.problems.join('\n'))
        .to.match(/GET \/v1\/conversations\/\{id\} 200: \/data\/title must be string/)
        .and.match(/418: not documented/)
        .and.match(/DELETE \/v1\/conversations\/\{id\} 200: not documented/);
    });

    it('checked every answer against the spec', () => {
      expect(conformance.checked.length).to.be.at.least(10);
      // The compiler rejects what the spec does not have: this line stops compiling if it ever does.
      // @ts-expect-error: not an operation of the API
      const _unknownPath = () => api.GET('/v1/no-such-route');
      expect(_unknownPath).to.be.a('function');
    });
  });
});
