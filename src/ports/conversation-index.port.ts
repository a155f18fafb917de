import type { MessageRole } from '../domain/conversation/conversation';
import type { IndexedConversationRow, MatchedMessageRow } from '../domain/search/conversation-search';
import type { TimeRange } from '../domain/time/date-range';
import type { UserContext } from '../domain/user/user-context';
import { token } from './token';

/** A conversation row with the sizes the index knows (messages and branches of all branches). */
export interface IndexedConversation extends IndexedConversationRow {
  active_branch_id: string | null;
  branch_count: number;
}

/** Filters on the conversation row. `created` bounds `created_at`. */
export interface ConversationFilter {
  model?: string;
  created?: TimeRange;
}

export type ConversationOrder = 'updated_at.desc' | 'updated_at.asc' | 'created_at.desc' | 'created_at.asc';

/** A message without its content: what usage and activity figures need. */
export interface MessageActivity {
  id: string;
  conversation_id: string;
  role: MessageRole;
  model: string | null;
  tokens_count: number | null;
  created_at: string;
}

/** At most `max` rows of a larger set; `truncated` says more rows matched. */
export interface Capped<T> {
  items: T[];
  truncated: boolean;
}

/**
 * What only the platform's tables offer, beside the Edge Function: search, filtered listing,
 * activity figures and deletion, always on behalf of one user (RLS upstream, ownership checks in
 * the twin). Another user's rows are never returned and never deleted: they are simply not matched.
 *
 * Text matching is literal and case-insensitive: `term` is a piece of text, never a pattern, so
 * `%`, `_`, `*`, `\`, commas, dots and parentheses stand for themselves. Ties in every order are
 * broken by id, so pages never overlap. Failures are AppErrors (AUTH_*, UPSTREAM_*).
 */
export interface ConversationIndex {
  /** One page of the user's conversations passing `filter`, in `order`, with the number passing it. */
  listConversations(
    user: UserContext,
    filter: ConversationFilter,
    order: ConversationOrder,
    page: { offset: number; limit: number },
  ): Promise<{ items: IndexedConversation[]; total: number }>;
  /** The user's conversations among `ids` that pass `filter`, most recently updated first; unknown ids are left out. */
  conversationsByIds(user: UserContext, ids: readonly string[], filter: ConversationFilter): Promise<IndexedConversation[]>;
  /** Conversations passing `filter` whose title contains `term`: the `max` most recently updated. */
  findByTitle(user: UserContext, term: string, filter: ConversationFilter, max: number): Promise<Capped<IndexedConversation>>;
  /** Messages (of every branch) whose content contains `term`: the `max` newest. */
  findMessages(user: UserContext, term: string, max: number): Promise<Capped<MatchedMessageRow>>;
  /** Messages created in `created`, of `role` when given, oldest first: at most `max`. */
  messageActivity(user: UserContext, query: { created?: TimeRange; role?: MessageRole }, max: number): Promise<Capped<MessageActivity>>;
  /** Deletes the user's conversations among `ids` with their branches and messages; answers the ids really deleted. */
  deleteConversations(user: UserContext, ids: readonly string[]): Promise<string[]>;
}

export const CONVERSATION_INDEX = token<ConversationIndex>('ConversationIndex');
