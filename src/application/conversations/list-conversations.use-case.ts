import { inject, injectable } from 'tsyringe';
import type { ConversationSummary } from '../../domain/conversation/conversation';
import { normalizeSearchTerm } from '../../domain/search/search-term';
import { instantMs, parseDateRange } from '../../domain/time/date-range';
import type { UserContext } from '../../domain/user/user-context';
import {
  CONVERSATION_INDEX,
  type ConversationIndex,
  type ConversationOrder,
  type IndexedConversation,
} from '../../ports/conversation-index.port';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { paginate, type Paginated } from '../shared/pagination';
import { ConversationMatcher } from './conversation-matcher';

export interface ListConversationsInput {
  page: number;
  limit: number;
  q?: string;
  model?: string;
  date_from?: string;
  date_to?: string;
  sort?: ConversationOrder;
}

function summary(c: IndexedConversation): ConversationSummary {
  return { id: c.id, title: c.title, model: c.model, created_at: c.created_at, updated_at: c.updated_at };
}

/**
 * The caller's conversations, a page at a time. Without filters the page comes from the
 * ConversationStore (the Edge Function's own list, as the previous gateway served it). With any of
 * `q`, `model`, `date_from`, `date_to`, `sort` it comes from the ConversationIndex, which can
 * filter and order; `q` finds conversations the way search does (title or any message contains
 * it) and then lists them in `sort` order. Both give the same item shape.
 */
@injectable()
export class ListConversations {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(CONVERSATION_INDEX) private readonly index: ConversationIndex,
    @inject(ConversationMatcher) private readonly matcher: ConversationMatcher,
  ) {}

  async execute(user: UserContext, input: ListConversationsInput): Promise<Paginated<ConversationSummary>> {
    const { page, limit } = input;
    const filtered = [input.q, input.model, input.date_from, input.date_to, input.sort].some((v) => v !== undefined);
    if (!filtered) return paginate(await this.store.listConversations(user, { page, limit }));

    const term = input.q === undefined ? undefined : normalizeSearchTerm(input.q);
    const filter = { model: input.model, created: parseDateRange(input) };
    const order = input.sort ?? 'updated_at.desc';
    if (term === undefined) {
      const found = await this.index.listConversations(user, filter, order, { offset: (page - 1) * limit, limit });
      return paginate({ items: found.items.map(summary), total: found.total, page, limit });
    }
    const [column, direction] = order.split('.') as ['updated_at' | 'created_at', 'asc' | 'desc'];
    const sign = direction === 'asc' ? 1 : -1;
    const all = (await this.matcher.match(user, term, filter)).conversations.sort(
      (a, b) => sign * (instantMs(a[column]) - instantMs(b[column])) || (a.id < b.id ? -1 : 1),
    );
    const start = (page - 1) * limit;
    return paginate({ items: all.slice(start, start + limit).map(summary), total: all.length, page, limit });
  }
}
