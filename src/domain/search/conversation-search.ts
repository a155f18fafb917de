import type { MessageRole } from '../conversation/conversation';
import { instantMs } from '../time/date-range';
import { containsTerm, occurrences, snippetAround, type Highlight, type Snippet } from './text-match';

/** Matching messages shown per conversation; `match_count` says how many there are in all. */
export const MATCHES_PER_CONVERSATION = 3;

/** A conversation as the search index sees it: the listed columns plus its size. */
export interface IndexedConversationRow {
  id: string;
  title: string | null;
  model: string | null;
  created_at: string;
  updated_at: string;
  message_count: number;
}

/** A message whose content matched, as the index returns it. */
export interface MatchedMessageRow {
  id: string;
  conversation_id: string;
  branch_id: string;
  role: MessageRole;
  content: string;
  created_at: string;
}

export interface MessageMatch {
  message_id: string;
  branch_id: string;
  role: MessageRole;
  created_at: string;
  /** Text around the first occurrence; offsets of `highlights` point into it. */
  snippet: string;
  highlights: Highlight[];
}

export interface ConversationHit {
  id: string;
  title: string | null;
  model: string | null;
  created_at: string;
  updated_at: string;
  message_count: number;
  /** Occurrences in `title`; empty when only messages matched. */
  title_highlights: Highlight[];
  /** The newest matching messages, at most MATCHES_PER_CONVERSATION. */
  matches: MessageMatch[];
  /** Matching messages in this conversation (of those the search looked at). */
  match_count: number;
}

function newestFirst(a: { created_at: string; id: string }, b: { created_at: string; id: string }): number {
  return instantMs(b.created_at) - instantMs(a.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Title matches first, then the most recently active, then by id so pages never overlap. */
export function compareHits(a: ConversationHit, b: ConversationHit): number {
  const titled = Number(b.title_highlights.length > 0) - Number(a.title_highlights.length > 0);
  if (titled !== 0) return titled;
  return instantMs(b.updated_at) - instantMs(a.updated_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Search results, one per conversation: every conversation of `conversations` whose title contains
 * `term` or which has a message among `messages` that does, ranked by `compareHits`. Messages of
 * conversations not in `conversations` (filtered out by model, date or size) are ignored, and so
 * is a row that does not literally contain the term, whatever the index matched it with.
 */
export function rankConversationHits(
  conversations: readonly IndexedConversationRow[],
  messages: readonly MatchedMessageRow[],
  term: string,
): ConversationHit[] {
  const byConversation = new Map<string, MatchedMessageRow[]>();
  for (const m of messages) {
    const list = byConversation.get(m.conversation_id);
    if (list) list.push(m);
    else byConversation.set(m.conversation_id, [m]);
  }
  const hits: ConversationHit[] = [];
  const seen = new Set<string>();
  for (const c of conversations) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const titleHighlights = c.title ? occurrences(c.title, term) : [];
    const matching = (byConversation.get(c.id) ?? []).filter((m) => containsTerm(m.content, term)).sort(newestFirst);
    if (titleHighlights.length === 0 && matching.length === 0) continue;
    const matches = matching.slice(0, MATCHES_PER_CONVERSATION).map((m): MessageMatch => ({
      message_id: m.id,
      branch_id: m.branch_id,
      role: m.role,
      created_at: m.created_at,
      ...(snippetAround(m.content, term) as Snippet),
    }));
    hits.push({
      id: c.id,
      title: c.title,
      model: c.model,
      created_at: c.created_at,
      updated_at: c.updated_at,
      message_count: c.message_count,
      title_highlights: titleHighlights,
      matches,
      match_count: matching.length,
    });
  }
  return hits.sort(compareHits);
}
