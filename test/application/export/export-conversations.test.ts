import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ExportConversations, type ExportInput } from '../../../src/application/export/export-conversations.use-case';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { AppError } from '../../../src/domain/errors/app-error';
import { CONVERSATION_STORE, type ConversationStore } from '../../../src/ports/conversation-store.port';
import { appErrorOf } from '../../support/expect-rejection';
import { RecordingLogger } from '../../support/recording-logger';
import { seededContainer, type SeededContainer } from '../../support/seeded-container';
import { generatedId, GeneratedConversations } from './generated-conversations';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const UNKNOWN = '00000000-0000-4000-8000-00000000ffff';

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe('ExportConversations', () => {
  describe('memory stays flat', () => {
    it('fetches a conversation only after the previous one was handed over, even with a slow consumer', async () => {
      const source = new GeneratedConversations(1000, 4, 200);
      let consumed = 0;
      let maxHeld = 0;
      source.onFetch = () => {
        // What was fetched and not yet handed over, this fetch included.
        maxHeld = Math.max(maxHeld, source.fetches - consumed);
      };
      const useCase = new ExportConversations(source.store(), source.index(), new SystemClock(), new RecordingLogger());
      const download = await useCase.start(
        { userId: '11111111-1111-4111-8111-111111111111', token: 't' },
        { format: 'ndjson', branches: 'active' },
      );
      let lines = 0;
      for await (const chunk of download.chunks) {
        if (chunk.includes('"type":"conversation"')) consumed += 1;
        lines += chunk.split('\n').filter(Boolean).length;
        // A slow consumer: the producer must wait for it, not run ahead.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(source.fetches).to.equal(1000);
      expect(consumed).to.equal(1000);
      expect(maxHeld).to.equal(1);
      expect(lines).to.equal(1002);
    });

    it('keeps the heap flat over 1,000 conversations of about 20 KB (measured after GC in a child process)', async function () {
      this.timeout(60_000);
      const probe = path.join(__dirname, 'export-heap-probe.js');
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe], { maxBuffer: 1024 * 1024 });
      const result = JSON.parse(stdout) as { conversations: number; bytes: number; heapAt100: number; heapAtEnd: number };
      expect(result.conversations).to.equal(1000);
      expect(result.bytes).to.be.greaterThan(19_000_000);
      const growthPerConversation = (result.heapAtEnd - result.heapAt100) / 900;
      // Keeping each conversation would cost about 20,000 bytes apiece; flat means a small fraction of that.
      expect(growthPerConversation, JSON.stringify(result)).to.be.lessThan(2_000);
    });

    it('stops fetching when the request is aborted', async () => {
      const source = new GeneratedConversations(100, 2, 100);
      const controller = new AbortController();
      const useCase = new ExportConversations(source.store(), source.index(), new SystemClock(), new RecordingLogger());
      const download = await useCase.start(
        { userId: '11111111-1111-4111-8111-111111111111', token: 't' },
        { format: 'json', branches: 'active' },
        controller.signal,
      );
      let chunks = 0;
      for await (const _ of download.chunks) {
        chunks += 1;
        if (chunks === 3) controller.abort();
      }
      expect(source.fetches).to.equal(2);
    });
  });

  describe('on the known data set', () => {
    let s: SeededContainer;
    const run = async (input: Partial<ExportInput>, user = s.data.alice) => {
      const download = await s.container.resolve(ExportConversations).start(user, { format: 'json', branches: 'active', ...input });
      return { ...download, text: await collect(download.chunks) };
    };

    beforeEach(async () => {
      s = await seededContainer();
    });

    it('exports JSON in the order asked, reporting unknown and other users’ ids without failing', async () => {
      const { data } = s;
      const out = await run({ ids: [data.fortress.id, UNKNOWN, data.tbilisi.id, data.bobs.id] });
      expect(out.contentType).to.equal('application/json; charset=utf-8');
      expect(out.filename).to.equal('conversations-20260121-120000.json');
      const doc = JSON.parse(out.text) as Json;
      expect(doc.export).to.deep.equal({ format: 'json', branches: 'active', exported_at: '2026-01-21T12:00:00.000Z', requested: 4 });
      expect(doc.conversations.map((c: Json) => c.conversation.id)).to.deep.equal([data.fortress.id, data.tbilisi.id]);
      expect(doc.not_found).to.deep.equal([UNKNOWN, data.bobs.id]);
      expect(doc.failed).to.deep.equal([]);
      expect(doc.exported).to.equal(2);
      expect(out.text).not.to.contain('Bob');
      const fortress = doc.conversations[0] as Json;
      expect(fortress.branches.map((b: Json) => [b.name, b.is_active])).to.deep.equal([['Regenerated', true]]);
      expect(fortress.messages.map((m: Json) => m.content)).to.deep.equal([
        'Describe medieval castle walls.',
        'Thick stone walls and gatehouses.',
      ]);
    });

    it('exports every branch and message with branches: all', async () => {
      const doc = JSON.parse((await run({ ids: [s.data.fortress.id], branches: 'all' })).text) as Json;
      const fortress = doc.conversations[0] as Json;
      expect(fortress.branches.map((b: Json) => [b.name, b.is_active])).to.deep.equal([
        ['Main', false],
        ['Regenerated', true],
      ]);
      expect(fortress.messages.map((m: Json) => m.id)).to.deep.equal(s.data.fortress.messages);
    });

    it('exports every conversation of the caller, oldest first, when no ids are given', async () => {
      const { data } = s;
      const doc = JSON.parse((await run({})).text) as Json;
      expect(doc.export.requested).to.equal(null);
      expect(doc.conversations.map((c: Json) => c.conversation.id)).to.deep.equal(
        [data.tbilisi, data.budget, data.fortress, data.hostile, data.unicode, data.empty].map((c) => c.id),
      );
      const bobs = JSON.parse((await run({}, data.bob)).text) as Json;
      expect(bobs.conversations.map((c: Json) => c.conversation.id)).to.deep.equal([data.bobs.id]);
    });

    it('writes NDJSON: one object per line, typed, with an end line', async () => {
      const { data } = s;
      const out = await run({ ids: [data.tbilisi.id, UNKNOWN], format: 'ndjson' });
      expect(out.contentType).to.equal('application/x-ndjson; charset=utf-8');
      expect(out.filename.endsWith('.ndjson')).to.equal(true);
      const lines = out.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Json);
      expect(lines.map((l) => l.type)).to.deep.equal(['export', 'conversation', 'not_found', 'end']);
      expect(lines[1]!.conversation.id).to.equal(data.tbilisi.id);
      expect(lines[2]).to.deep.equal({ type: 'not_found', id: UNKNOWN });
      expect(lines[3]).to.deep.equal({ type: 'end', exported: 1, not_found: 1, failed: 0 });
    });

    it('reports a conversation the upstream fails to deliver, and goes on', async () => {
      const { data, store } = s;
      const failing = Object.create(store) as ConversationStore;
      failing.getConversationFull = async (user, id) => {
        if (id === data.budget.id) throw new AppError('UPSTREAM_UNAVAILABLE', 'The Edge Function is unavailable');
        return store.getConversationFull(user, id);
      };
      s.container.registerInstance(CONVERSATION_STORE, failing);
      const doc = JSON.parse((await run({ ids: [data.tbilisi.id, data.budget.id, data.unicode.id] })).text) as Json;
      expect(doc.conversations.map((c: Json) => c.conversation.id)).to.deep.equal([data.tbilisi.id, data.unicode.id]);
      expect(doc.failed).to.deep.equal([{ id: data.budget.id, code: 'UPSTREAM_UNAVAILABLE', message: 'The Edge Function is unavailable' }]);
    });

    it('rejects duplicate ids before anything is written', async () => {
      const err = await appErrorOf(run({ ids: [s.data.tbilisi.id, s.data.tbilisi.id.toUpperCase()] }), 'VALIDATION_ERROR');
      expect(err.details?.fields).to.deep.equal([{ path: 'ids.1', message: 'duplicates ids.0', location: 'body' }]);
    });

    describe('Markdown', () => {
      it('reads well: a title, a header, each conversation with its facts and its messages by role and time', async () => {
        const { data } = s;
        const out = await run({ ids: [data.tbilisi.id, UNKNOWN], format: 'markdown' });
        expect(out.contentType).to.equal('text/markdown; charset=utf-8');
        expect(out.filename).to.equal('conversations-20260121-120000.md');
        expect(out.text).to.equal(
          [
            '# Conversation export',
            '',
            '- **Exported:** 2026-01-21 12:00 UTC',
            '- **Conversations:** 2 requested',
            '- **Branches:** active branch only',
            '',
            '---',
            '',
            '## Trip planning for Tbilisi',
            '',
            '- **Model:** gpt-4o',
            '- **Created:** 2026-01-10 10:01 UTC',
            '- **Updated:** 2026-01-10 10:06 UTC',
            '- **Messages:** 2',
            `- **Conversation id:** \`${data.tbilisi.id}\``,
            '',
            '### User · 2026-01-10 10:03 UTC',
            '',
            'Plan a three-day trip to Tbilisi.',
            '',
            '### Assistant (gpt-4o) · 2026-01-10 10:05 UTC',
            '',
            'Day 1: the Old Town and the Narikala fortress. Day 2: the sulphur baths. Day 3: a day trip to Mtskheta.',
            '',
            '---',
            '',
            '## Not exported',
            '',
            `- \`${UNKNOWN}\`: not found`,
            '',
            '_End of export: 1 conversation exported._',
            '',
          ].join('\n'),
        );
      });

      it('labels branches, marks the active one and says where each forked from', async () => {
        const out = (await run({ ids: [s.data.fortress.id], format: 'markdown', branches: 'all' })).text;
        const headings = out.split('\n').filter((l) => l.startsWith('#'));
        expect(headings).to.deep.equal([
          '# Conversation export',
          '## Notes on fortress architecture',
          '### Branch: Main',
          '#### User · 2026-01-14 10:03 UTC',
          '#### Assistant (claude-3-5-sonnet) · 2026-01-14 10:05 UTC',
          '### Branch: Regenerated (active)',
          '#### Assistant (claude-3-5-sonnet) · 2026-01-14 10:09 UTC',
        ]);
        expect(out).to.contain('_Forked after the user message of 2026-01-14 10:03 UTC: “Describe medieval castle walls.”_');
        expect(out).to.contain('- **Branches:** all branches');
      });

      it('keeps replies as written but closes a code fence left open, and names untitled and empty conversations', async () => {
        const { data, store } = s;
        const c = await store.createConversation(data.alice, { model: 'gpt-4o' });
        const q = await store.addUserMessage(data.alice, { conversation_id: c.id, content: 'Show code' });
        await store.saveAssistantMessage(data.alice, {
          conversation_id: c.id,
          branch_id: q.branch_id,
          parent_id: q.message_id,
          content: '## Heading\n\n```js\nconsole.log(1)',
          model: 'gpt-4o',
        });
        await store.updateConversation(data.alice, c.id, { title: '  ' });
        const out = (await run({ ids: [c.id, data.empty.id], format: 'markdown' })).text;
        expect(out).to.contain('## Untitled conversation');
        expect(out).to.contain('## Heading\n\n```js\nconsole.log(1)\n```\n\n');
        expect(out).to.contain('## Empty conversation');
        expect(out).to.contain('_No messages yet._');
        expect(out.split('\n').filter((l) => l.startsWith('```')).length % 2).to.equal(0);
      });
    });
  });
});

describe('generated conversations', () => {
  it('have valid, distinct ids', () => {
    expect(generatedId(7)).to.match(/^[0-9a-f-]{36}$/);
    expect(new GeneratedConversations(2).full(1).messages[1]!.parent_id).to.equal(new GeneratedConversations(2).full(1).messages[0]!.id);
  });
});
