import { expect } from 'chai';
import { containsTerm, occurrences, snippetAround, SNIPPET_LENGTH } from '../../../src/domain/search/text-match';

/** The highlighted pieces of a snippet, as a client would cut them out. */
function marked(result: { snippet: string; highlights: { start: number; end: number }[] }): string[] {
  return result.highlights.map((h) => result.snippet.slice(h.start, h.end));
}

describe('text matching', () => {
  it('finds every occurrence, ignoring case, with offsets into the original string', () => {
    expect(occurrences('Fortress, fortress and FORTRESS', 'fortress')).to.deep.equal([
      { start: 0, end: 8 },
      { start: 10, end: 18 },
      { start: 23, end: 31 },
    ]);
    expect(occurrences('aaaa', 'aa')).to.deep.equal([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
    ]);
  });

  it('treats every character of the term literally', () => {
    for (const term of ['.', '*', 'a+b', '(x)', '[a]', '^$', '\\', '|', '?', '{1}', '/', '-', '%', '_']) {
      expect(containsTerm(`before ${term} after`, term), term).to.equal(true);
    }
    expect(containsTerm('axb', 'a.b')).to.equal(false);
    expect(containsTerm('aaab', 'a*b')).to.equal(false);
    expect(containsTerm('ab', 'a?b')).to.equal(false);
    expect(containsTerm(null, 'x')).to.equal(false);
    expect(containsTerm('x', '')).to.equal(false);
  });

  it('folds case beyond ASCII, and counts offsets in UTF-16 code units', () => {
    expect(containsTerm('ПРИВЕТ, мир', 'привет')).to.equal(true);
    expect(containsTerm('ÜBER', 'über')).to.equal(true);
    expect(occurrences('😀 café', 'CAFÉ')).to.deep.equal([{ start: 3, end: 7 }]);
  });

  describe('snippets', () => {
    it('is the whole text when short, with every occurrence highlighted', () => {
      const s = snippetAround('Plan a trip to Tbilisi, then Tbilisi again.', 'tbilisi')!;
      expect(s.snippet).to.equal('Plan a trip to Tbilisi, then Tbilisi again.');
      expect(marked(s)).to.deep.equal(['Tbilisi', 'Tbilisi']);
    });

    it('is null when the term does not occur', () => {
      expect(snippetAround('nothing here', 'fortress')).to.equal(null);
    });

    it('cuts a long text around the first occurrence, at word boundaries, with ellipses, offsets still exact', () => {
      const words = Array.from({ length: 200 }, (_, i) => `word${i}`);
      words[100] = 'Narikala';
      const text = words.join(' ');
      const s = snippetAround(text, 'narikala')!;
      expect(s.snippet.startsWith('…')).to.equal(true);
      expect(s.snippet.endsWith('…')).to.equal(true);
      expect(s.snippet.length).to.be.at.most(SNIPPET_LENGTH + 2);
      expect(marked(s)).to.deep.equal(['Narikala']);
      const inner = s.snippet.slice(1, -1);
      expect(inner.startsWith('word')).to.equal(true);
      expect(text).to.contain(inner);
      expect(/^word\d+$/.test(inner.split(' ').at(-1)!)).to.equal(true);
    });

    it('keeps only the occurrences inside the window', () => {
      const text = `fortress ${'x '.repeat(200)}fortress`;
      const s = snippetAround(text, 'fortress')!;
      expect(s.snippet.startsWith('fortress')).to.equal(true);
      expect(marked(s)).to.deep.equal(['fortress']);
    });

    it('makes line breaks spaces one for one, so offsets do not move', () => {
      const s = snippetAround('first line\nsecond\r\nthird fortress', 'fortress')!;
      expect(s.snippet).to.equal('first line second  third fortress');
      expect(marked(s)).to.deep.equal(['fortress']);
    });

    it('never cuts a surrogate pair', () => {
      const text = `${'😀'.repeat(150)}target${'😀'.repeat(150)}`;
      const s = snippetAround(text, 'target')!;
      const inner = s.snippet.slice(1, -1);
      expect(inner.charCodeAt(0)).to.equal(0xd83d);
      expect(inner.charCodeAt(inner.length - 1)).to.equal(0xde00);
      expect(marked(s)).to.deep.equal(['target']);
    });

    it('keeps a match longer than the window whole', () => {
      const term = 'y'.repeat(SNIPPET_LENGTH + 40);
      const s = snippetAround(`${'x '.repeat(100)}${term}${' x'.repeat(100)}`, term)!;
      expect(marked(s)).to.deep.equal([term]);
    });
  });
});
