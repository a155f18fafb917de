// Searching, and showing the matched text highlighted without ever building HTML from raw text.
import type { ConversationSearchHit, Highlight, Pagination } from '../../clients/typescript';
import type { Gateway } from './gateway-api';

export interface SearchPage {
  items: ConversationSearchHit[];
  pagination: Pagination;
  /** The term as searched (trimmed). */
  query: string;
  /** More matched than one search ranks: only the newest were considered. Suggest a longer term. */
  truncated: boolean;
}

/** Conversations whose title or messages contain `q` (literal, case-insensitive), best first. */
export function searchConversations(gateway: Gateway, q: string, page = 1): Promise<SearchPage> {
  return gateway.call<SearchPage>('GET', `/v1/conversations/search?${new URLSearchParams({ q, page: String(page) })}`);
}

export interface Segment {
  text: string;
  highlighted: boolean;
}

/**
 * The text cut at the highlights — `[start, end)` in UTF-16 code units, i.e. JavaScript string indices —
 * sorted, clamped and merged: render highlighted segments as <mark>.
 */
export function highlightSegments(text: string, highlights: readonly Highlight[]): Segment[] {
  const ranges = highlights
    .map((h) => ({ start: Math.max(0, Math.min(h.start, text.length)), end: Math.max(0, Math.min(h.end, text.length)) }))
    .filter((h) => h.end > h.start)
    .sort((a, b) => a.start - b.start);
  const segments: Segment[] = [];
  let at = 0;
  for (const range of ranges) {
    if (range.end <= at) continue;
    const start = Math.max(range.start, at);
    const last = segments[segments.length - 1];
    if (start > at) segments.push({ text: text.slice(at, start), highlighted: false });
    else if (last?.highlighted) {
      // Overlapping or touching ranges: one <mark>.
      last.text += text.slice(start, range.end);
      at = range.end;
      continue;
    }
    segments.push({ text: text.slice(start, range.end), highlighted: true });
    at = range.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), highlighted: false });
  return segments;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The same as HTML, every piece of text escaped: safe for `innerHTML`. In React, map the segments instead. */
export function highlightHtml(text: string, highlights: readonly Highlight[]): string {
  return highlightSegments(text, highlights)
    .map((s) => (s.highlighted ? `<mark>${escapeHtml(s.text)}</mark>` : escapeHtml(s.text)))
    .join('');
}
