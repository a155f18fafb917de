import { expect } from 'chai';
import { PostgresConversationIndex } from '../../../src/adapters/postgres/postgres-conversation-index';
import { PostgresConversationStore } from '../../../src/adapters/postgres/postgres-conversation-store';
import type { SqlDatabase } from '../../../src/adapters/postgres/sql-database';
import { CryptoIdGenerator } from '../../../src/adapters/system/crypto-id-generator';
import { SearchConversations } from '../../../src/application/conversations/search-conversations.use-case';
import { ConversationMatcher } from '../../../src/application/conversations/conversation-matcher';
import type { ConversationHit } from '../../../src/domain/search/conversation-search';
import { seedDataset, SteppingClock, type Dataset } from '../../support/conversation-dataset';
import { truncateAll } from '../../support/test-postgres';

/** Every highlighted piece of a hit, lower-cased: the words the search matched. */
function marked(hit: ConversationHit): string[] {
  return hit.matches.flatMap((m) => m.highlights.map((h) => m.snippet.slice(h.start, h.end).toLowerCase()));
}

/** Full-text search (`mode=words`) on the known data set, through the search use case. */
export function describeWordSearch(label: string, database: () => SqlDatabase): void {
  describe(`full-text search, mode=words (${label})`, () => {
    let data: Dataset;
    let search: SearchConversations;
    const policy = { searchMaxCandidates: 1000, batchConcurrency: 5, activityMaxRows: 1000 };
    const words = (q: string, extra: Record<string, unknown> = {}) =>
      search.execute(data.alice, { q, mode: 'words', page: 1, limit: 20, ...extra });

    before(async () => {
      const clock = new SteppingClock();
      const index = new PostgresConversationIndex(database());
      search = new SearchConversations(new ConversationMatcher(index, policy), index, policy);
      data = await seedDataset(new PostgresConversationStore(database(), clock, new CryptoIdGenerator(), 'local/echo'), clock);
    });
    after(() => truncateAll(database()));

    it('finds words by their stem, which the literal search does not', async () => {
      const literal = await search.execute(data.alice, { q: 'castles', page: 1, limit: 20 });
      expect(literal.items).to.deep.equal([]);
      const found = await words('castles');
      expect(found.items.map((h) => h.id)).to.deep.equal([data.fortress.id]);
      expect(marked(found.items[0]!)).to.deep.equal(['castle']);
      expect(found.items[0]!.matches[0]!.message_id).to.equal(data.fortress.messages[0]);
    });

    it('ranks title matches first, then by relevance, with title highlights on the words', async () => {
      const found = await words('fortress');
      expect(found.items[0]!.id).to.equal(data.fortress.id);
      expect(found.items[0]!.title_highlights).to.deep.equal([{ start: 9, end: 17 }]);
      expect(found.items.map((h) => h.id)).to.have.members([data.fortress.id, data.tbilisi.id, data.budget.id]);
      expect(found.pagination.total).to.equal(3);
      const tbilisi = found.items.find((h) => h.id === data.tbilisi.id)!;
      expect(marked(tbilisi)).to.deep.equal(['fortress']);
      expect(tbilisi.matches[0]!.snippet).to.contain('Narikala fortress');
      expect(tbilisi.match_count).to.equal(1);
    });

    it('takes web-search syntax: a quoted phrase, or, and an excluded word', async () => {
      expect((await words('"sulphur baths"')).items.map((h) => h.id)).to.deep.equal([data.tbilisi.id]);
      expect((await words('"baths sulphur"')).items).to.deep.equal([]);
      const either = await words('moat or spreadsheet');
      expect(either.items.map((h) => h.id)).to.have.members([data.fortress.id, data.budget.id]);
      const without = await words('fortress -narikala');
      expect(without.items.map((h) => h.id)).to.not.include(data.tbilisi.id);
    });

    it('applies the filters and pages with the total', async () => {
      expect((await words('fortress', { model: 'gpt-4o-mini' })).items.map((h) => h.id)).to.deep.equal([data.budget.id]);
      expect((await words('fortress', { min_messages: 4 })).items.map((h) => h.id)).to.deep.equal([data.budget.id]);
      const page2 = await words('fortress', { page: 2, limit: 2 });
      expect(page2.items).to.have.length(1);
      expect(page2.pagination).to.include({ total: 3, pages: 2 });
      const past = await words('fortress', { page: 5, limit: 2 });
      expect(past.items).to.deep.equal([]);
      expect(past.pagination.total).to.equal(3);
    });

    it("never finds another user's messages, and takes hostile text as words", async () => {
      const bobs = await search.execute(data.bob, { q: 'fortress', mode: 'words', page: 1, limit: 20 });
      expect(bobs.items.map((h) => h.id)).to.deep.equal([data.bobs.id]);
      expect((await words('narikala')).items.map((h) => h.id)).to.deep.equal([data.tbilisi.id]);
      for (const q of ["x,user_id.neq.0 ' or 1=1 --", '"unclosed', '(a*b) & | !', '\\', '%']) {
        const found = await words(q);
        expect(found.items.map((h) => h.id)).to.not.include(data.bobs.id);
      }
    });
  });
}
