import type { Highlight, Snippet } from './text-match';

/** Start and end markers a database puts around matched words (private-use characters, never typed). */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';

/**
 * A snippet of `text` from a marked fragment of it (PostgreSQL's `ts_headline` with MATCH_START /
 * MATCH_END as StartSel / StopSel): the markers become highlights, as UTF-16 offsets into the
 * snippet; `…` marks a cut at either end; line breaks and tabs become spaces one for one, as in
 * literal snippets.
 */
export function snippetFromMarked(text: string, marked: string): Snippet {
  const highlights: Highlight[] = [];
  let plain = '';
  let open = -1;
  for (const ch of marked) {
    if (ch === MATCH_START) open = plain.length;
    else if (ch === MATCH_END) {
      if (open >= 0 && plain.length > open) highlights.push({ start: open, end: plain.length });
      open = -1;
    } else plain += ch;
  }
  const trimmed = plain.trim();
  const lead = plain.length - plain.trimStart().length;
  const at = text.indexOf(trimmed);
  const prefix = at > 0 ? '…' : '';
  const suffix = at >= 0 && at + trimmed.length < text.length ? '…' : '';
  const shift = prefix.length - lead;
  return {
    snippet: `${prefix}${trimmed.replace(/[\r\n\t\f\v]/g, ' ')}${suffix}`,
    highlights: highlights
      .map((h) => ({ start: h.start + shift, end: h.end + shift }))
      .filter((h) => h.start >= prefix.length && h.end <= prefix.length + trimmed.length),
  };
}
