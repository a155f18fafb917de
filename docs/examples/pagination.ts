// Walking a paginated list: `data = {items, pagination: {page, limit, total, pages}}`.
import type { ConversationSummary, Pagination } from '../../clients/typescript';
import type { Gateway } from './gateway-api';

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/** One page of the caller's conversations, most recently updated first. */
export function conversationsPage(gateway: Gateway, page: number, limit = 20): Promise<Page<ConversationSummary>> {
  return gateway.call<Page<ConversationSummary>>('GET', `/v1/conversations?page=${page}&limit=${limit}`);
}

/** Every conversation, page after page (an infinite list loads the next page on scroll instead). */
export async function* allConversations(gateway: Gateway, limit = 100): AsyncGenerator<ConversationSummary> {
  for (let page = 1; ; page++) {
    const { items, pagination } = await conversationsPage(gateway, page, limit);
    yield* items;
    if (page >= pagination.pages) return;
  }
}
