import { inject, injectable } from 'tsyringe';
import type { MatchedMessageRow } from '../../domain/search/conversation-search';
import type { UserContext } from '../../domain/user/user-context';
import {
  CONVERSATION_INDEX,
  type ConversationFilter,
  type ConversationIndex,
  type IndexedConversation,
} from '../../ports/conversation-index.port';
import { CONVERSATION_INDEX_POLICY, type ConversationIndexPolicy } from './conversation-index-policy';

export interface ConversationMatches {
  /** Every conversation passing the filter whose title or some message contains the term. */
  conversations: IndexedConversation[];
  /** The matching messages looked at (of any conversation). */
  messages: MatchedMessageRow[];
  /** More titles or messages matched than the search looks at: only the newest were considered. */
  truncated: boolean;
}

/**
 * The conversations a term finds, for search and for `q` on the list. Titles and message
 * contents live in two tables, so they are two queries: the newest title matches that pass the
 * filter, and the newest matching messages, whose conversations are then read by id with the same
 * filter. Each query is capped (`searchMaxCandidates`) so a term that matches everything costs a
 * bounded amount; the result says when the cap was hit.
 */
@injectable()
export class ConversationMatcher {
  constructor(
    @inject(CONVERSATION_INDEX) private readonly index: ConversationIndex,
    @inject(CONVERSATION_INDEX_POLICY) private readonly policy: ConversationIndexPolicy,
  ) {}

  async match(user: UserContext, term: string, filter: ConversationFilter): Promise<ConversationMatches> {
    const max = this.policy.searchMaxCandidates;
    const [titled, messages] = await Promise.all([
      this.index.findByTitle(user, term, filter, max),
      this.index.findMessages(user, term, max),
    ]);
    const known = new Set(titled.items.map((c) => c.id));
    const others = [...new Set(messages.items.map((m) => m.conversation_id))].filter((id) => !known.has(id));
    const byMessage = others.length > 0 ? await this.index.conversationsByIds(user, others, filter) : [];
    return {
      conversations: [...titled.items, ...byMessage],
      messages: messages.items,
      truncated: titled.truncated || messages.truncated,
    };
  }
}
