import { expect } from 'chai';
import { ListConversations } from '../../../src/application/conversations/list-conversations.use-case';
import { SearchConversations, type SearchConversationsInput } from '../../../src/application/conversations/search-conversations.use-case';
import { CONVERSATION_INDEX, type ConversationIndex } from '../../../src/ports/conversation-index.port';
import { appErrorOf } from '../../support/expect-rejection';
import { HOSTILE_QUESTION } from '../../support/conversation-dataset';
import { seededContainer, type SeededContainer } from '../../support/seeded-container';

describe('SearchConversations on the known data set', () => {
  let s: SeededContainer;
  const search = (input: Partial<SearchConversationsInput> & { q: string }, user = s.data.alice) =>
    s.container.resolve(SearchConversations).execute(user, { page: 1, limit: 20, ...input });

  beforeEach(async () => {
    s = await seededContainer();
  });

  it('ranks title matches first, then recency, and highlights titles and snippets', async () => {
    const { data, store } = s;
    const result = await search({ q: '  Fortress ' });
    expect(result.query).to.equal('Fortress');
    expect(result.items.map((h) => h.id)).to.deep.equal([data.fortress.id, data.budget.id, data.tbilisi.id]);
    const [titled, budget, tbilisi] = result.items;
    expect(titled).to.deep.include({
      title: 'Notes on fortress architecture',
      title_highlights: [{ start: 9, end: 17 }],
      matches: [],
      match_count: 0,
    });
    expect(titled!.message_count).to.equal(3);
    const reply = (await store.getMessage(data.alice, data.tbilisi.messages[1]!)).content;
    expect(tbilisi!.title_highlights).to.deep.equal([]);
    expect(tbilisi!.matches).to.deep.equal([
      {
        message_id: data.tbilisi.messages[1],
        branch_id: (await store.getMessage(data.alice, data.tbilisi.messages[1]!)).branch_id,
        role: 'assistant',
        created_at: (await store.getMessage(data.alice, data.tbilisi.messages[1]!)).created_at,
        snippet: reply,
        highlights: [{ start: reply.indexOf('fortress'), end: reply.indexOf('fortress') + 8 }],
      },
    ]);
    expect(budget!.match_count).to.equal(1);
    expect(result.pagination).to.deep.equal({ page: 1, limit: 20, total: 3, pages: 1 });
    expect(result.truncated).to.equal(false);
  });

  it('filters by model, by creation date and by message count, and pages', async () => {
    const { data } = s;
    const ids = async (input: Partial<SearchConversationsInput>) => (await search({ q: 'fortress', ...input })).items.map((h) => h.id);
    expect(await ids({ model: 'gpt-4o' })).to.deep.equal([data.tbilisi.id]);
    expect(await ids({ date_from: '2026-01-11' })).to.deep.equal([data.fortress.id, data.budget.id]);
    expect(await ids({ date_to: '2026-01-12' })).to.deep.equal([data.budget.id, data.tbilisi.id]);
    expect(await ids({ date_from: '2026-01-12T10:00:00Z', date_to: '2026-01-12T23:00:00+02:00' })).to.deep.equal([data.budget.id]);
    expect(await ids({ min_messages: 3 })).to.deep.equal([data.fortress.id, data.budget.id]);
    expect(await ids({ max_messages: 2 })).to.deep.equal([data.tbilisi.id]);
    expect(await ids({ min_messages: 3, max_messages: 3 })).to.deep.equal([data.fortress.id]);
    const page = await search({ q: 'fortress', page: 2, limit: 1 });
    expect(page.items.map((h) => h.id)).to.deep.equal([data.budget.id]);
    expect(page.pagination).to.deep.equal({ page: 2, limit: 1, total: 3, pages: 3 });
    expect((await search({ q: 'fortress', page: 9, limit: 1 })).items).to.deep.equal([]);
  });

  it('finds unicode text and metacharacters literally, and never another user’s conversations', async () => {
    const { data } = s;
    const cafe = await search({ q: 'CAFÉ' });
    expect(cafe.items.map((h) => [h.id, h.title_highlights])).to.deep.equal([[data.unicode.id, [{ start: 0, end: 4 }]]]);
    const hostile = await search({ q: 'x,user_id.neq.0' });
    expect(hostile.items.map((h) => h.id)).to.deep.equal([data.hostile.id]);
    expect(hostile.items[0]!.matches[0]!.snippet).to.equal(HOSTILE_QUESTION);
    expect(hostile.items[0]!.matches[0]!.highlights).to.deep.equal([{ start: 5, end: 20 }]);
    expect((await search({ q: 'Narikala' }, data.bob)).items).to.deep.equal([]);
    expect((await search({ q: 'secrets' })).items).to.deep.equal([]);
  });

  it('says when a term matched more than one search looks at', async () => {
    const small = await seededContainer({ SEARCH_MAX_CANDIDATES: '1' });
    const result = await small.container.resolve(SearchConversations).execute(small.data.alice, { q: 'fortress', page: 1, limit: 20 });
    expect(result.truncated).to.equal(true);
    expect(result.items.map((h) => h.id)).to.deep.equal([small.data.fortress.id, small.data.budget.id]);
  });

  const bad: [string, Partial<SearchConversationsInput> & { q: string }, string[]][] = [
    ['a NUL byte in q', { q: 'fort\u0000ress' }, ['q']],
    ['a blank q', { q: '   ' }, ['q']],
    ['an over-long q', { q: 'x'.repeat(201) }, ['q']],
    ['an inverted date range', { q: 'x', date_from: '2026-01-12', date_to: '2026-01-10' }, ['date_from', 'date_to']],
    ['min_messages above max_messages', { q: 'x', min_messages: 3, max_messages: 2 }, ['min_messages', 'max_messages']],
  ];
  for (const [label, input, paths] of bad) {
    it(`rejects ${label} with 422 before asking the index`, async () => {
      let asked = false;
      s.container.registerInstance(
        CONVERSATION_INDEX,
        new Proxy({} as ConversationIndex, { get: () => () => ((asked = true), Promise.reject(new Error('asked'))) }),
      );
      const err = await appErrorOf(search(input), 'VALIDATION_ERROR');
      expect((err.details?.fields as { path: string }[]).map((f) => f.path)).to.deep.equal(paths);
      expect(asked).to.equal(false);
    });
  }
});

describe('ListConversations with filters', () => {
  let s: SeededContainer;
  const list = (input: Record<string, unknown>, user = s.data.alice) =>
    s.container.resolve(ListConversations).execute(user, { page: 1, limit: 20, ...input });

  beforeEach(async () => {
    s = await seededContainer();
  });

  it('filters by q (title or message), model and date, in the order asked', async () => {
    const { data } = s;
    const ids = async (input: Record<string, unknown>) => (await list(input)).items.map((c) => c.id);
    expect(await ids({ q: 'fortress' })).to.deep.equal([data.fortress.id, data.budget.id, data.tbilisi.id]);
    expect(await ids({ q: 'fortress', sort: 'created_at.asc' })).to.deep.equal([data.tbilisi.id, data.budget.id, data.fortress.id]);
    expect(await ids({ model: 'gpt-4o-mini' })).to.deep.equal([data.empty.id, data.budget.id]);
    expect(await ids({ date_from: '2026-01-15', date_to: '2026-01-18', sort: 'created_at.asc' })).to.deep.equal([
      data.hostile.id,
      data.unicode.id,
    ]);
    const page = await list({ sort: 'created_at.desc', limit: 2, page: 2 });
    expect(page.items.map((c) => c.id)).to.deep.equal([data.hostile.id, data.fortress.id]);
    expect(page.pagination).to.deep.equal({ page: 2, limit: 2, total: 6, pages: 3 });
    expect(Object.keys(page.items[0]!).sort()).to.deep.equal(['created_at', 'id', 'model', 'title', 'updated_at']);
  });

  it('without filters, lists from the conversation store as before', async () => {
    s.container.registerInstance(
      CONVERSATION_INDEX,
      new Proxy({} as ConversationIndex, { get: () => () => Promise.reject(new Error('index used')) }),
    );
    const page = await s.container.resolve(ListConversations).execute(s.data.alice, { page: 1, limit: 3 });
    expect(page.pagination).to.deep.equal({ page: 1, limit: 3, total: 6, pages: 2 });
  });
});
