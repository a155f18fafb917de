import { expect } from 'chai';
import type { ConversationIndex, IndexedConversation } from '../../src/ports/conversation-index.port';
import type { ConversationStore } from '../../src/ports/conversation-store.port';
import { seedDataset, SteppingClock, type Dataset } from '../support/conversation-dataset';

/**
 * What one run needs: an index that sees exactly what `store` holds (it is seeded through the
 * store with the known data set), and a way to release it. `setup` is called before every test.
 */
export interface IndexFixture {
  index: ConversationIndex;
  store: ConversationStore;
  clock: SteppingClock;
  close(): Promise<void>;
}

const ids = (rows: { id: string }[]): string[] => rows.map((r) => r.id);

/**
 * The behaviour every ConversationIndex shares, run against the memory twin and against the
 * Supabase REST adapter talking to the fake PostgREST: the same data set, the same answers.
 */
export function describeConversationIndexContract(label: string, setup: () => Promise<IndexFixture>): void {
  describe(`ConversationIndex contract (${label})`, () => {
    let fixture: IndexFixture;
    let index: ConversationIndex;
    let data: Dataset;

    beforeEach(async () => {
      fixture = await setup();
      index = fixture.index;
      data = await seedDataset(fixture.store, fixture.clock);
    });
    afterEach(async () => fixture.close());

    describe('listConversations', () => {
      it('lists the caller’s conversations with their sizes, most recently updated first, with the total', async () => {
        const page = await index.listConversations(data.alice, {}, 'updated_at.desc', { offset: 0, limit: 100 });
        expect(page.total).to.equal(6);
        expect(ids(page.items)).to.deep.equal(ids([data.empty, data.unicode, data.hostile, data.fortress, data.budget, data.tbilisi]));
        const fortress = page.items.find((c) => c.id === data.fortress.id) as IndexedConversation;
        expect(fortress).to.include({
          title: 'Notes on fortress architecture',
          model: 'claude-3-5-sonnet',
          message_count: 3,
          branch_count: 2,
        });
        expect(fortress.active_branch_id).to.be.a('string');
        expect(page.items.find((c) => c.id === data.empty.id)).to.include({ message_count: 0, branch_count: 1 });
      });

      it('orders by creation or update, either way, and pages without overlap', async () => {
        const asc = await index.listConversations(data.alice, {}, 'created_at.asc', { offset: 0, limit: 100 });
        expect(ids(asc.items)).to.deep.equal(ids([data.tbilisi, data.budget, data.fortress, data.hostile, data.unicode, data.empty]));
        const desc = await index.listConversations(data.alice, {}, 'created_at.desc', { offset: 0, limit: 100 });
        expect(ids(desc.items)).to.deep.equal([...ids(asc.items)].reverse());
        const updatedAsc = await index.listConversations(data.alice, {}, 'updated_at.asc', { offset: 0, limit: 100 });
        expect(ids(updatedAsc.items)).to.deep.equal(ids(asc.items));
        const pages: string[] = [];
        for (let offset = 0; offset < 6; offset += 2) {
          const page = await index.listConversations(data.alice, {}, 'created_at.asc', { offset, limit: 2 });
          expect(page.total).to.equal(6);
          pages.push(...ids(page.items));
        }
        expect(pages).to.deep.equal(ids(asc.items));
        const past = await index.listConversations(data.alice, {}, 'created_at.asc', { offset: 6, limit: 2 });
        expect(past.items).to.deep.equal([]);
        expect(past.total).to.equal(6);
      });

      it('filters by model and by creation date (from inclusive, until exclusive)', async () => {
        const mini = await index.listConversations(data.alice, { model: 'gpt-4o-mini' }, 'created_at.asc', { offset: 0, limit: 100 });
        expect(ids(mini.items)).to.deep.equal(ids([data.budget, data.empty]));
        expect(mini.total).to.equal(2);
        const range = { from: '2026-01-12T00:00:00.000Z', until: '2026-01-17T00:00:00.000Z' };
        const dated = await index.listConversations(data.alice, { created: range }, 'created_at.asc', { offset: 0, limit: 100 });
        expect(ids(dated.items)).to.deep.equal(ids([data.budget, data.fortress, data.hostile]));
        const both = await index.listConversations(data.alice, { model: 'gpt-4o', created: range }, 'created_at.asc', {
          offset: 0,
          limit: 100,
        });
        expect(ids(both.items)).to.deep.equal(ids([data.hostile]));
        const openEnded = await index.listConversations(data.alice, { created: { from: '2026-01-18T00:00:00.000Z' } }, 'created_at.asc', {
          offset: 0,
          limit: 100,
        });
        expect(ids(openEnded.items)).to.deep.equal(ids([data.unicode, data.empty]));
        const none = await index.listConversations(data.alice, { model: 'no-such-model' }, 'created_at.asc', { offset: 0, limit: 10 });
        expect(none).to.deep.equal({ items: [], total: 0 });
      });

      it("never lists another user's conversations", async () => {
        const bobs = await index.listConversations(data.bob, {}, 'updated_at.desc', { offset: 0, limit: 100 });
        expect(ids(bobs.items)).to.deep.equal([data.bobs.id]);
        expect(bobs.total).to.equal(1);
      });
    });

    describe('conversationsByIds', () => {
      it("answers the caller's conversations among the ids, ignoring unknown, malformed and other users' ids", async () => {
        const found = await index.conversationsByIds(
          data.alice,
          [data.tbilisi.id, data.bobs.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', data.fortress.id.toUpperCase()],
          {},
        );
        expect(ids(found)).to.deep.equal(ids([data.fortress, data.tbilisi]));
        expect(await index.conversationsByIds(data.bob, [data.tbilisi.id], {})).to.deep.equal([]);
      });

      it('applies the filter', async () => {
        const found = await index.conversationsByIds(data.alice, [data.tbilisi.id, data.budget.id, data.empty.id], {
          model: 'gpt-4o-mini',
        });
        expect(ids(found)).to.deep.equal(ids([data.empty, data.budget]));
      });
    });

    describe('findByTitle', () => {
      it('matches titles literally and ignoring case, most recently updated first', async () => {
        const found = await index.findByTitle(data.alice, 'TBILISI', {}, 10);
        expect(ids(found.items)).to.deep.equal([data.tbilisi.id]);
        expect(found.truncated).to.equal(false);
        expect(ids((await index.findByTitle(data.alice, 'o', {}, 10)).items)).to.deep.equal(
          ids([data.empty, data.hostile, data.fortress, data.tbilisi]),
        );
      });

      it('takes `*`, `(`, `&` and accents literally', async () => {
        expect(ids((await index.findByTitle(data.alice, '(a*b) &', {}, 10)).items)).to.deep.equal([data.hostile.id]);
        expect(ids((await index.findByTitle(data.alice, 'CAFÉ DÉJÀ', {}, 10)).items)).to.deep.equal([data.unicode.id]);
        expect(ids((await index.findByTitle(data.alice, '😀', {}, 10)).items)).to.deep.equal([data.unicode.id]);
        expect((await index.findByTitle(data.alice, 'a?b', {}, 10)).items).to.deep.equal([]);
      });

      it('applies the filter and the cap, saying when it cut', async () => {
        expect(ids((await index.findByTitle(data.alice, 'o', { model: 'gpt-4o' }, 10)).items)).to.deep.equal(
          ids([data.hostile, data.tbilisi]),
        );
        const capped = await index.findByTitle(data.alice, 'o', {}, 2);
        expect(ids(capped.items)).to.deep.equal(ids([data.empty, data.hostile]));
        expect(capped.truncated).to.equal(true);
        const exact = await index.findByTitle(data.alice, 'o', {}, 4);
        expect(exact.items).to.have.length(4);
        expect(exact.truncated).to.equal(false);
      });
    });

    describe('findMessages', () => {
      it('finds a word from the middle of a reply, in every branch, newest first', async () => {
        const found = await index.findMessages(data.alice, 'FORTRESS', 50);
        expect(ids(found.items)).to.deep.equal([data.budget.messages[1], data.tbilisi.messages[1]]);
        expect(found.items[1]).to.include({ conversation_id: data.tbilisi.id, role: 'assistant' });
        expect(found.items[1]!.content).to.contain('Narikala fortress');
        const walls = await index.findMessages(data.alice, 'walls', 50);
        expect(ids(walls.items)).to.deep.equal([data.fortress.messages[2], data.fortress.messages[1], data.fortress.messages[0]]);
      });

      const literal: [string, (d: Dataset) => (string | undefined)[]][] = [
        ['x,user_id.neq.0', (d) => [d.hostile.messages[0]]],
        ['x_user_id', (d) => [d.hostile.messages[1]]],
        ['x,user_id.neq.0 and', (d) => [d.hostile.messages[0]]],
        ['or=(id.neq.0)', (d) => [d.hostile.messages[0]]],
        ['50%', (d) => [d.hostile.messages[0], d.budget.messages[0]]],
        ['budget_total', (d) => [d.budget.messages[1], d.budget.messages[0]]],
        ['a*b', (d) => [d.hostile.messages[0]]],
        ['back\\slash', (d) => [d.hostile.messages[0]]],
        ['"quotes"', (d) => [d.hostile.messages[0]]],
        ["'single'", (d) => [d.hostile.messages[0]]],
        ['%', (d) => [d.hostile.messages[0], d.budget.messages[0]]],
        ['_', (d) => [d.hostile.messages[1], d.hostile.messages[0], d.budget.messages[1], d.budget.messages[0]]],
        ['\\', (d) => [d.hostile.messages[0]]],
        ['*', (d) => [d.hostile.messages[0]]],
        ['ПРИВЕТ', (d) => [d.unicode.messages[0]]],
        ['東京', (d) => [d.unicode.messages[1]]],
        ['über', (d) => [d.unicode.messages[1]]],
        ['a?b', () => []],
        ['x%y', () => []],
      ];
      for (const [term, expected] of literal) {
        it(`matches ${JSON.stringify(term)} as literal text only`, async () => {
          const found = await index.findMessages(data.alice, term, 50);
          expect(ids(found.items)).to.deep.equal(expected(data));
        });
      }

      it('caps the number of messages and says so', async () => {
        const all = await index.findMessages(data.alice, 'a', 100);
        expect(all.truncated).to.equal(false);
        const capped = await index.findMessages(data.alice, 'a', 3);
        expect(ids(capped.items)).to.deep.equal(ids(all.items).slice(0, 3));
        expect(capped.truncated).to.equal(true);
      });

      it("never finds another user's messages, whatever the term", async () => {
        const found = await index.findMessages(data.bob, 'fortress', 50);
        expect(ids(found.items)).to.deep.equal([data.bobs.messages[1], data.bobs.messages[0]]);
        expect((await index.findMessages(data.bob, 'Narikala', 50)).items).to.deep.equal([]);
      });
    });

    describe('messageActivity', () => {
      it('lists message metadata oldest first, by role and date range', async () => {
        const replies = await index.messageActivity(data.alice, { role: 'assistant' }, 100);
        expect(replies.items.map((m) => [m.model, m.tokens_count])).to.deep.equal([
          ['gpt-4o', 1000],
          ['gpt-4o-mini', 500],
          ['gpt-4o-mini', null],
          ['claude-3-5-sonnet', 2000],
          ['claude-3-5-sonnet', 1500],
          ['gpt-4o', 10],
          ['gpt-4o', 30],
        ]);
        expect(replies.items[0]).to.not.have.property('content');
        const window = await index.messageActivity(
          data.alice,
          { created: { from: '2026-01-14T00:00:00.000Z', until: '2026-01-17T00:00:00.000Z' } },
          100,
        );
        expect(ids(window.items)).to.deep.equal([...data.fortress.messages, ...data.hostile.messages]);
        const capped = await index.messageActivity(data.alice, {}, 4);
        expect(capped.items).to.have.length(4);
        expect(capped.truncated).to.equal(true);
        expect((await index.messageActivity(data.alice, {}, 13)).truncated).to.equal(false);
      });
    });

    describe('deleteConversations', () => {
      it("deletes the caller's conversations with their messages, answers what was deleted, and leaves other users' alone", async () => {
        const deleted = await index.deleteConversations(data.alice, [
          data.tbilisi.id,
          data.bobs.id,
          '00000000-0000-4000-8000-000000000000',
        ]);
        expect(deleted).to.deep.equal([data.tbilisi.id]);
        expect((await index.findMessages(data.alice, 'Narikala', 10)).items).to.deep.equal([]);
        expect((await index.listConversations(data.alice, {}, 'created_at.asc', { offset: 0, limit: 10 })).total).to.equal(5);
        expect(ids((await index.listConversations(data.bob, {}, 'created_at.asc', { offset: 0, limit: 10 })).items)).to.deep.equal([
          data.bobs.id,
        ]);
        expect(await index.deleteConversations(data.alice, [data.tbilisi.id])).to.deep.equal([]);
        expect(await index.deleteConversations(data.bob, [data.budget.id])).to.deep.equal([]);
        expect((await index.conversationsByIds(data.alice, [data.budget.id], {})).map((c) => c.id)).to.deep.equal([data.budget.id]);
      });
    });
  });
}
