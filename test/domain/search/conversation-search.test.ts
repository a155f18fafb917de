import { expect } from 'chai';
import {
  rankConversationHits,
  MATCHES_PER_CONVERSATION,
  type IndexedConversationRow,
  type MatchedMessageRow,
} from '../../../src/domain/search/conversation-search';
import { normalizeSearchTerm } from '../../../src/domain/search/search-term';
import { thrownBy } from '../../support/async';

function conversation(id: string, title: string | null, updated: string): IndexedConversationRow {
  return { id, title, model: 'gpt-4o', created_at: '2026-01-01T00:00:00Z', updated_at: updated, message_count: 2 };
}

function message(id: string, conversationId: string, content: string, created: string): MatchedMessageRow {
  return { id, conversation_id: conversationId, branch_id: 'b', role: 'assistant', content, created_at: created };
}

describe('search ranking', () => {
  it('puts title matches first, then the most recently active, then by id', () => {
    const hits = rankConversationHits(
      [
        conversation('c-old-title', 'Fortress notes', '2026-01-01T00:00:00Z'),
        conversation('c-new-content', 'Trip', '2026-01-05T00:00:00Z'),
        conversation('c-new-title', 'My FORTRESS', '2026-01-03T00:00:00Z'),
        conversation('c-old-content', 'Budget', '2026-01-02T00:00:00+00:00'),
        conversation('b-tie', 'Budget', '2026-01-02T00:00:00.000Z'),
      ],
      [
        message('m1', 'c-new-content', 'the Narikala fortress', '2026-01-05T00:00:00Z'),
        message('m2', 'c-old-content', 'a fortress of formulas', '2026-01-02T00:00:00Z'),
        message('m3', 'b-tie', 'fortress', '2026-01-02T00:00:00Z'),
      ],
      'fortress',
    );
    expect(hits.map((h) => h.id)).to.deep.equal(['c-new-title', 'c-old-title', 'c-new-content', 'b-tie', 'c-old-content']);
    expect(hits[0]!.title_highlights).to.deep.equal([{ start: 3, end: 11 }]);
    expect(hits[2]!.title_highlights).to.deep.equal([]);
    expect(hits[2]!.matches[0]).to.deep.include({
      message_id: 'm1',
      snippet: 'the Narikala fortress',
      highlights: [{ start: 13, end: 21 }],
    });
  });

  it('shows the newest matching messages of a conversation and counts them all', () => {
    const messages = Array.from({ length: 5 }, (_, i) => message(`m${i}`, 'c', `fortress ${i}`, `2026-01-0${i + 1}T00:00:00Z`));
    const [hit] = rankConversationHits([conversation('c', null, '2026-01-06T00:00:00Z')], messages, 'fortress');
    expect(hit!.match_count).to.equal(5);
    expect(hit!.matches.map((m) => m.message_id)).to.deep.equal(['m4', 'm3', 'm2'].slice(0, MATCHES_PER_CONVERSATION));
  });

  it('drops what does not literally contain the term, and messages of conversations filtered out', () => {
    const hits = rankConversationHits(
      [conversation('c', 'axb', '2026-01-01T00:00:00Z')],
      [message('m1', 'c', 'axb', '2026-01-01T00:00:00Z'), message('m2', 'elsewhere', 'a*b', '2026-01-01T00:00:00Z')],
      'a*b',
    );
    expect(hits).to.deep.equal([]);
  });
});

describe('search terms', () => {
  it('trims and normalises to NFC', () => {
    expect(normalizeSearchTerm('  cafe\u0301  ')).to.equal('café');
    expect(normalizeSearchTerm('a\tb')).to.equal('a\tb');
  });

  const bad: [string, string, RegExp][] = [
    ['blank', '   ', /blank/],
    ['a NUL byte', 'a\u0000b', /control/],
    ['another control character', 'a\u0007b', /control/],
    ['DEL', 'a\u007fb', /control/],
    ['a C1 control character (CSI)', 'a\u009bb', /control/],
    ['over 200 characters', 'x'.repeat(201), /200/],
  ];
  for (const [label, term, message] of bad) {
    it(`rejects ${label} with a 422 on q`, () => {
      const err = thrownBy(() => normalizeSearchTerm(term)) as unknown as {
        code: string;
        details: { fields: { path: string; message: string }[] };
      };
      expect(err.code).to.equal('VALIDATION_ERROR');
      expect(err.details.fields[0]!.path).to.equal('q');
      expect(err.details.fields[0]!.message).to.match(message);
    });
  }

  it('counts characters, not UTF-16 units: 200 emoji are allowed', () => {
    expect(normalizeSearchTerm('😀'.repeat(200))).to.have.length(400);
  });
});
