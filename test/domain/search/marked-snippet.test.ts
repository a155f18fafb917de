import { expect } from 'chai';
import { MATCH_END as E, MATCH_START as S, snippetFromMarked } from '../../../src/domain/search/marked-snippet';
import { SearchConversations } from '../../../src/application/conversations/search-conversations.use-case';
import { ConversationMatcher } from '../../../src/application/conversations/conversation-matcher';
import { MemoryConversationIndex } from '../../../src/adapters/memory/memory-conversation-index';
import { seededStore } from '../../support/conversation-dataset';
import { appErrorOf } from '../../support/expect-rejection';

describe('snippetFromMarked (full-text fragments as snippets with highlights)', () => {
  it('turns the markers into offsets of the snippet', () => {
    const text = 'Curtain walls, towers and a moat.';
    const s = snippetFromMarked(text, `Curtain ${S}walls${E}, towers and a ${S}moat${E}.`);
    expect(s.snippet).to.equal(text);
    expect(s.highlights.map((h) => s.snippet.slice(h.start, h.end))).to.deep.equal(['walls', 'moat']);
  });

  it('adds an ellipsis where the fragment was cut, shifting the offsets, and keeps emoji offsets in UTF-16', () => {
    const text = 'Start 😀 of a long message with the fortress in the middle and more words after it.';
    const s = snippetFromMarked(text, `😀 of a long message with the ${S}fortress${E} in the middle`);
    expect(s.snippet).to.equal('…😀 of a long message with the fortress in the middle…');
    expect(s.highlights.map((h) => s.snippet.slice(h.start, h.end))).to.deep.equal(['fortress']);
  });

  it('reads line breaks as spaces, one for one', () => {
    const s = snippetFromMarked('one\ntwo', `one\n${S}two${E}`);
    expect(s).to.deep.equal({ snippet: 'one two', highlights: [{ start: 4, end: 7 }] });
  });
});

describe('search mode=words where the index has no full-text search', () => {
  it('is a 422 naming `mode`, never a silent literal search', async () => {
    const { store, data } = await seededStore();
    const index = new MemoryConversationIndex(store);
    const policy = { searchMaxCandidates: 100, batchConcurrency: 1, activityMaxRows: 100 };
    const search = new SearchConversations(new ConversationMatcher(index, policy), index, policy);
    const err = await appErrorOf(search.execute(data.alice, { q: 'fortress', mode: 'words', page: 1, limit: 10 }), 'VALIDATION_ERROR');
    expect(JSON.stringify(err.details)).to.contain('PostgreSQL');
  });
});
