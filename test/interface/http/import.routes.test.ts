import { expect } from 'chai';
import type { ConversationFull } from '../../../src/domain/conversation/conversation';
import { CONVERSATION_INDEX, type ConversationIndex } from '../../../src/ports/conversation-index.port';
import { CONVERSATION_STORE, type ConversationStore } from '../../../src/ports/conversation-store.port';
import { AppError } from '../../../src/domain/errors/app-error';
import { expectErrorEnvelope } from '../../support/envelope';
import { startApp, type RunningApp } from '../../support/http';
import { activeThread, fixtureText, postImport } from '../../support/import-client';
import { testConfig } from '../../support/test-config';
import { USER_A, USER_B } from '../../support/tokens';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('POST /v1/import', () => {
  let app: RunningApp;
  let store: ConversationStore;
  const user = { userId: USER_A, token: 't' };
  const full = (id: string): Promise<ConversationFull> => store.getConversationFull(user, id);
  const importJson = async (body: string, options: Parameters<typeof postImport>[2] = {}) => {
    const res = await postImport(app, body, options);
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };

  beforeEach(async () => {
    app = await startApp({ config: testConfig({ IMPORT_LIMIT_BYTES: String(2 * 1024 * 1024) }) });
    store = app.container.resolve<ConversationStore>(CONVERSATION_STORE);
  });
  afterEach(() => app.close());

  describe('ChatGPT export', () => {
    it('imports every fork as a branch, activates the thread shown last and counts what it skipped', async () => {
      const { status, body } = await importJson(fixtureText('import/chatgpt-conversations.json'));
      expect(status, JSON.stringify(body)).to.equal(200);
      const report = body.data;
      expect(report.format).to.equal('chatgpt');
      expect(report.totals).to.deep.equal({
        conversations: 4,
        imported: 3,
        skipped: 1,
        failed: 0,
        messages: 13,
        branches: 5,
        skipped_nodes: 8,
      });
      const [sourdough, haiku, empty, untitled] = report.conversations;

      expect(sourdough).to.include({ status: 'imported', index: 0, title: 'Sourdough starter troubleshooting', branches: 3, messages: 9 });
      expect(sourdough.skipped_nodes).to.deep.equal({ system: 1, tool: 2, empty: 1 });
      const s = await full(sourdough.conversation_id);
      expect(s.conversation.title).to.equal('Sourdough starter troubleshooting');
      expect(s.conversation.model).to.equal('gpt-4o');
      expect(s.branches).to.have.length(3);
      expect(s.messages).to.have.length(9);
      expect(activeThread(s)).to.deep.equal([
        'user: My starter smells like nail polish remover 🤢 — is it dead?',
        'assistant: Not dead — **hungry**. An acetone smell means the yeast ran out of food.\n\n1. Discard all but 50 g\n2. Feed 1:1:1\n3. Keep it at 24–26 °C',
        'user: How often should I feed it?',
        'assistant: Every 12 hours; once a week if it lives in the fridge.\n\n```text\nfeed: 50 g starter + 50 g flour + 50 g water\n```',
        "user: Here is a photo: does this look right? <script>alert('x')</script>",
        'assistant: Yes: the bubbles all the way through are what you want. שלום and 你好 from the bakery. [docs](javascript:alert(1))',
      ]);
      // The other reply to the same question and the edited question live on their own branches.
      const contents = s.messages.map((m) => m.content);
      expect(contents).to.include('Twice a day at room temperature.');
      expect(contents).to.include('Can I use rye flour instead?');
      const rye = s.messages.find((m) => m.content === 'Yes, rye ferments faster.')!;
      expect(rye.model).to.equal('gpt-4o-mini');
      expect(s.conversation.settings).to.deep.include({
        import: { format: 'chatgpt', source_created_at: '2024-05-29T16:26:40.000Z', source_updated_at: '2024-05-29T16:41:40.000Z' },
      });

      expect(haiku).to.include({ status: 'imported', branches: 1, messages: 2 });
      expect(haiku.skipped_nodes).to.deep.equal({ system: 1, root_fork: 2 });
      expect(activeThread(await full(haiku.conversation_id))).to.deep.equal([
        'user: Write a haiku about autumn rain',
        'assistant: Cold rain on maples\n…',
      ]);

      expect(empty).to.include({ status: 'skipped', reason: 'empty' });
      expect(empty).not.to.have.property('conversation_id');

      const u = await full(untitled.conversation_id);
      expect(u.conversation.model).to.equal('o1-preview');
      expect(activeThread(u)[0]).to.equal('user: Explain  tabs\tand\r\nnewlines');
    });

    it('reports a second import of the same file as already imported, and writes nothing more', async () => {
      const first = await importJson(fixtureText('import/chatgpt-conversations.json'));
      const before = (await store.listConversations(user, { page: 1, limit: 100 })).total;
      const again = await importJson(fixtureText('import/chatgpt-conversations.json'));
      expect(again.status).to.equal(200);
      expect(again.body.data.totals).to.include({ imported: 0, skipped: 4, failed: 0, messages: 0 });
      const imported = first.body.data.conversations.filter((c: Json) => c.status === 'imported');
      for (const c of imported) {
        const same = again.body.data.conversations.find((r: Json) => r.source_id === c.source_id);
        expect(same).to.include({ status: 'skipped', reason: 'already_imported', conversation_id: c.conversation_id });
      }
      expect((await store.listConversations(user, { page: 1, limit: 100 })).total).to.equal(before);
    });

    it("imports again a conversation that was deleted since, and never sees another user's imports", async () => {
      const first = await importJson(fixtureText('import/chatgpt-conversations.json'));
      const deleted = first.body.data.conversations[0].conversation_id;
      const index = app.container.resolve<ConversationIndex>(CONVERSATION_INDEX);
      expect(await index.deleteConversations(user, [deleted])).to.deep.equal([deleted]);
      const again = await importJson(fixtureText('import/chatgpt-conversations.json'));
      expect(again.body.data.conversations[0]).to.include({ status: 'imported' });
      expect(again.body.data.conversations[0].conversation_id).not.to.equal(deleted);
      const other = await importJson(fixtureText('import/chatgpt-conversations.json'), { userId: USER_B });
      expect(other.body.data.totals).to.include({ imported: 3 });
    });
  });

  describe('Claude export', () => {
    it('imports each conversation as one thread, text taken from content when text is empty', async () => {
      const { status, body } = await importJson(fixtureText('import/claude-conversations.json'));
      expect(status, JSON.stringify(body)).to.equal(200);
      expect(body.data.format).to.equal('claude');
      const [regex, greeting, untitled] = body.data.conversations;
      expect(regex).to.include({ status: 'imported', title: 'Regex for ISO dates', branches: 1, messages: 4 });
      expect(regex.skipped_nodes).to.deep.equal({ empty: 1 });
      expect(activeThread(await full(regex.conversation_id))).to.deep.equal([
        'user: Give me a regex for ISO 8601 dates',
        'assistant: Here you go:\n\n```regex\n^\\d{4}-\\d{2}-\\d{2}$\n```',
        'user: And with a time part? 🙏',
        'assistant: Add `T\\d{2}:\\d{2}`. <img src=x onerror=alert(1)>',
      ]);
      expect(greeting).to.include({ status: 'imported', title: null, messages: 2 });
      expect(greeting.skipped_nodes).to.deep.equal({ leading_assistant: 1 });
      expect(untitled).to.include({ status: 'skipped', reason: 'empty' });
      expect(body.data.totals).to.deep.equal({
        conversations: 3,
        imported: 2,
        skipped: 1,
        failed: 0,
        messages: 6,
        branches: 2,
        skipped_nodes: 2,
      });
    });

    it('accepts format=claude and refuses a file that is not what format says', async () => {
      const ok = await importJson(fixtureText('import/claude-conversations.json'), { query: '?format=claude' });
      expect(ok.status).to.equal(200);
      const wrong = await importJson(fixtureText('import/claude-conversations.json'), { query: '?format=chatgpt' });
      expectErrorEnvelope(wrong, 422, 'VALIDATION_ERROR');
      expect(wrong.body.error.details.fields[0]).to.include({ path: '0.id', location: 'body' });
    });
  });

  describe('malformed files', () => {
    const cases: [string, string, string][] = [
      ['not JSON at all', 'hello', '(root)'],
      ['an empty body', '', '(root)'],
      ['a truncated file', fixtureText('import/chatgpt-conversations.json').slice(0, 3000), '0'],
      ['a syntax error in the third conversation', '[{"uuid":"a","chat_messages":[]},{"uuid":"b","chat_messages":[]},{"uuid": c}]', '2'],
      ['trailing garbage', '[{"uuid":"a","chat_messages":[]}] extra', '1'],
      ['a message without a sender', '[{"uuid":"a","chat_messages":[{"uuid":"m","text":"hi"}]}]', '0.chat_messages.0.sender'],
      ['an unknown kind of conversation', '[{"id":"x","messages":[]}]', '0'],
      [
        'a ChatGPT node whose children is not a list',
        '[{"id":"x","current_node":null,"mapping":{"n":{"parent":null,"children":"m"}}}]',
        '0.mapping.n.children',
      ],
      [
        'a control character in a message',
        '[{"uuid":"a","chat_messages":[{"sender":"human","text":"bell \\u0007"}]}]',
        '0.chat_messages.0.text',
      ],
      ['an object that is not a gateway export', '{"conversations":[]}', 'export'],
    ];
    for (const [label, body, path] of cases) {
      it(`answers 422 naming the first bad path, and writes nothing: ${label}`, async () => {
        const good = '{"uuid":"ok","chat_messages":[{"sender":"human","text":"fine"}]}';
        // A valid conversation first, where the format allows it: it must not be written either.
        const file = body.startsWith('[{"uuid"') ? body.replace('[', `[${good},`) : body;
        const res = await importJson(file);
        expectErrorEnvelope(res, 422, 'VALIDATION_ERROR');
        const expected = file === body ? path : path.replace(/^(\d+)/, (n) => String(Number(n) + 1));
        expect(res.body.error.details.fields[0].path).to.equal(expected);
        expect((await store.listConversations(user, { page: 1, limit: 10 })).total).to.equal(0);
      });
    }

    it('refuses a file over IMPORT_LIMIT_BYTES with 413, and a body that is not JSON with 415', async () => {
      const big = `[${'{"uuid":"a","chat_messages":[]},'.repeat(80_000)}{"uuid":"z","chat_messages":[]}]`;
      const res = await importJson(big);
      expectErrorEnvelope(res, 413, 'PAYLOAD_TOO_LARGE');
      const text = await importJson('[]', { headers: { 'Content-Type': 'text/plain' } });
      expect(text.status).to.equal(415);
    });

    it('needs a token', async () => {
      const res = await app.request('/v1/import', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '[]' });
      expect(res.status).to.equal(401);
    });
  });

  describe('when the store fails midway', () => {
    it('removes the conversation it was writing, reports it failed, and goes on with the next', async () => {
      const original = store.saveAssistantMessage.bind(store);
      let calls = 0;
      store.saveAssistantMessage = async (u, input) => {
        calls += 1;
        if (calls === 2) {
          throw new AppError('UPSTREAM_UNAVAILABLE', 'The conversation service is unavailable');
        }
        return original(u, input);
      };
      const { status, body } = await importJson(fixtureText('import/claude-conversations.json'));
      expect(status).to.equal(200);
      const [regex, greeting] = body.data.conversations;
      expect(regex).to.include({ status: 'failed', code: 'UPSTREAM_UNAVAILABLE' });
      expect(regex).not.to.have.property('conversation_id');
      expect(greeting).to.include({ status: 'imported' });
      const left = await store.listConversations(user, { page: 1, limit: 10 });
      expect(left.items.map((c) => c.id)).to.deep.equal([greeting.conversation_id]);
      // Not recorded as imported: the next import tries it again.
      store.saveAssistantMessage = original;
      const again = await importJson(fixtureText('import/claude-conversations.json'));
      expect(again.body.data.conversations[0]).to.include({ status: 'imported' });
      expect(again.body.data.conversations[1]).to.include({ status: 'skipped', reason: 'already_imported' });
    });
  });

  describe('progress as NDJSON', () => {
    it('streams a start line, a line per conversation and the totals', async () => {
      const res = await postImport(app, fixtureText('import/chatgpt-conversations.json'), { headers: { Accept: 'application/x-ndjson' } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^application\/x-ndjson/);
      const lines = (await res.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Json);
      expect(lines.map((l) => l.type)).to.deep.equal(['start', 'conversation', 'conversation', 'conversation', 'conversation', 'end']);
      expect(lines[0]).to.deep.equal({ type: 'start', format: 'chatgpt', total: 4 });
      expect(lines[1]).to.include({ index: 0, status: 'imported' });
      expect(lines[5]!.totals).to.include({ conversations: 4, imported: 3 });
    });

    it('still answers a malformed file with a plain 422', async () => {
      const res = await postImport(app, '[{"uuid": ]', { headers: { Accept: 'application/x-ndjson' } });
      expectErrorEnvelope({ status: res.status, headers: res.headers, body: await res.json() }, 422, 'VALIDATION_ERROR');
    });
  });
});
