import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import { rankConversationHits, type ConversationHit } from '../../domain/search/conversation-search';
import { normalizeSearchTerm } from '../../domain/search/search-term';
import { parseDateRange } from '../../domain/time/date-range';
import type { UserContext } from '../../domain/user/user-context';
import type { Paginated } from '../shared/pagination';
import { ConversationMatcher } from './conversation-matcher';

export interface SearchConversationsInput {
  q: string;
  model?: string;
  date_from?: string;
  date_to?: string;
  min_messages?: number;
  max_messages?: number;
  page: number;
  limit: number;
}

export interface SearchConversationsResult extends Paginated<ConversationHit> {
  /** The term as searched (trimmed, Unicode NFC). */
  query: string;
  /** More conversations matched than the search looks at: only the newest matches were ranked. */
  truncated: boolean;
}

/**
 * Full-text search over the caller's conversation titles and message contents: literal,
 * case-insensitive, one result per conversation with its matching messages and highlighted
 * snippets, title matches first, then the most recently active. Filters: model, creation date
 * (`date_from`/`date_to` bound the conversation's `created_at`), message count (all branches).
 */
@injectable()
export class SearchConversations {
  constructor(@inject(ConversationMatcher) private readonly matcher: ConversationMatcher) {}

  async execute(user: UserContext, input: SearchConversationsInput): Promise<SearchConversationsResult> {
    const term = normalizeSearchTerm(input.q);
    const created = parseDateRange(input);
    const { min_messages: min, max_messages: max } = input;
    if (min !== undefined && max !== undefined && min > max) {
      throw new AppError('VALIDATION_ERROR', 'The request is invalid', {
        details: {
          fields: [
            { path: 'min_messages', message: 'must not be greater than max_messages', location: 'query' },
            { path: 'max_messages', message: 'must not be less than min_messages', location: 'query' },
          ],
        },
      });
    }
    const found = await this.matcher.match(user, term, { model: input.model, created });
    const sized = found.conversations.filter(
      (c) => (min === undefined || c.message_count >= min) && (max === undefined || c.message_count <= max),
    );
    const hits = rankConversationHits(sized, found.messages, term);
    const start = (input.page - 1) * input.limit;
    return {
      items: hits.slice(start, start + input.limit),
      pagination: { page: input.page, limit: input.limit, total: hits.length, pages: Math.ceil(hits.length / input.limit) },
      query: term,
      truncated: found.truncated,
    };
  }
}
