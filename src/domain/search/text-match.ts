/**
 * Literal, case-insensitive text matching for search: what a search term matches, where, and the
 * snippet shown around it. The term is never a pattern: every character, `*`, `%`, `_`, `\` and
 * `(` included, stands for itself. Offsets are UTF-16 code units (JavaScript string indices), so
 * a client can slice the very string it received.
 */

/** `[start, end)` of one match, as indices into the string it was found in. */
export interface Highlight {
  start: number;
  end: number;
}

export interface Snippet {
  snippet: string;
  highlights: Highlight[];
}

/** Longest snippet around a match in a message, in UTF-16 code units (without the ellipses). */
export const SNIPPET_LENGTH = 160;
const ELLIPSIS = '…';
/** How far a snippet edge may move to land between words instead of inside one. */
const WORD_SNAP = 20;

function matcher(term: string): RegExp {
  // `u`: case folding and surrogate pairs follow Unicode; `i`: case-insensitive; the term is escaped whole.
  return new RegExp(term.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'giu');
}

/** Every non-overlapping occurrence of `term` in `text`, left to right. */
export function occurrences(text: string, term: string): Highlight[] {
  if (term === '') return [];
  const out: Highlight[] = [];
  for (const m of text.matchAll(matcher(term))) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

export function containsTerm(text: string | null | undefined, term: string): boolean {
  if (!text || term === '') return false;
  return matcher(term).test(text);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * A window of at most `length` code units around the first occurrence of `term`, moved to word
 * boundaries where that costs little, never cutting a surrogate pair or the first match, with `…`
 * where text was cut. Line breaks and tabs become spaces one for one, so the snippet reads as one
 * line and offsets stay exact. Null when `term` does not occur.
 */
export function snippetAround(text: string, term: string, length: number = SNIPPET_LENGTH): Snippet | null {
  const all = occurrences(text, term);
  const first = all[0];
  if (!first) return null;
  let start = 0;
  let end = text.length;
  if (text.length > length) {
    const context = Math.max(0, Math.floor((length - (first.end - first.start)) / 2));
    start = Math.max(0, first.start - context);
    end = Math.min(text.length, Math.max(start + length, first.end));
    if (end === text.length) start = Math.max(0, Math.min(start, end - length));
    if (start > 0) {
      const gap = text.slice(start, Math.min(first.start, start + WORD_SNAP)).search(/\s/);
      if (gap >= 0) start += gap + 1;
    }
    if (end < text.length) {
      const tail = text.slice(Math.max(first.end, end - WORD_SNAP), end);
      const gap = tail.search(/\s\S*$/);
      if (gap >= 0) end = Math.max(first.end, end - WORD_SNAP) + gap;
    }
    if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start += 1;
    if (end < text.length && end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  }
  const prefix = start > 0 ? ELLIPSIS : '';
  const body = text.slice(start, end).replace(/[\r\n\t\f\v]/g, ' ');
  const shift = prefix.length - start;
  return {
    snippet: `${prefix}${body}${end < text.length ? ELLIPSIS : ''}`,
    highlights: all.filter((h) => h.start >= start && h.end <= end).map((h) => ({ start: h.start + shift, end: h.end + shift })),
  };
}
