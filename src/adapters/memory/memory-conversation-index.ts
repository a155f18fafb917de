import type { MessageRole } from '../../domain/conversation/conversation';
import type { MatchedMessageRow } from '../../domain/search/conversation-search';
import { containsTerm } from '../../domain/search/text-match';
import { instantMs, isWithin, type TimeRange } from '../../domain/time/date-range';
import type { UserContext } from '../../domain/user/user-context';
import type {
  Capped,
  ConversationFilter,
  ConversationIndex,
  ConversationOrder,
  IndexedConversation,
  MessageActivity,
} from '../../ports/conversation-index.port';
import type { ConversationRows, MemoryConversationTables } from './memory-conversation-tables';

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function ordered(order: ConversationOrder): (a: IndexedConversation, b: IndexedConversation) => number {
  const [column, direction] = order.split('.') as ['updated_at' | 'created_at', 'asc' | 'desc'];
  const sign = direction === 'asc' ? 1 : -1;
  return (a, b) => sign * (instantMs(a[column]) - instantMs(b[column])) || byId(a, b);
}

function capped<T>(rows: T[], max: number): Capped<T> {
  return { items: rows.slice(0, max), truncated: rows.length > max };
}

/**
 * The ConversationIndex of the embedded default: a second view of the memory ConversationStore's
 * rows (through MemoryConversationTables), so what a user writes through the store is what search,
 * statistics and deletion see, as Supabase REST sees the Edge Function's tables. Matching uses the
 * same literal, case-insensitive rule the Supabase adapter ends with, so both give the same answers.
 */
export class MemoryConversationIndex implements ConversationIndex {
  constructor(private readonly tables: MemoryConversationTables) {}

  async listConversations(
    user: UserContext,
    filter: ConversationFilter,
    order: ConversationOrder,
    page: { offset: number; limit: number },
  ): Promise<{ items: IndexedConversation[]; total: number }> {
    const all = this.conversations(user, filter).sort(ordered(order));
    return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
  }

  async conversationsByIds(user: UserContext, ids: readonly string[], filter: ConversationFilter): Promise<IndexedConversation[]> {
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    return this.conversations(user, filter, (r) => wanted.has(r.conversation.id.toLowerCase())).sort(ordered('updated_at.desc'));
  }

  async findByTitle(user: UserContext, term: string, filter: ConversationFilter, max: number): Promise<Capped<IndexedConversation>> {
    const rows = this.conversations(user, filter, (r) => containsTerm(r.conversation.title, term)).sort(ordered('updated_at.desc'));
    return capped(rows, max);
  }

  async findMessages(user: UserContext, term: string, max: number): Promise<Capped<MatchedMessageRow>> {
    const rows: MatchedMessageRow[] = [];
    for (const record of this.tables.rowsOf(user.userId)) {
      for (const m of record.messages) {
        if (containsTerm(m.content, term)) {
          rows.push({
            id: m.id,
            conversation_id: m.conversation_id,
            branch_id: m.branch_id,
            role: m.role,
            content: m.content,
            created_at: m.created_at,
          });
        }
      }
    }
    rows.sort((a, b) => instantMs(b.created_at) - instantMs(a.created_at) || byId(a, b));
    return capped(rows, max);
  }

  async messageActivity(
    user: UserContext,
    query: { created?: TimeRange; role?: MessageRole },
    max: number,
  ): Promise<Capped<MessageActivity>> {
    const rows: MessageActivity[] = [];
    for (const record of this.tables.rowsOf(user.userId)) {
      for (const m of record.messages) {
        if (query.role !== undefined && m.role !== query.role) continue;
        if (query.created && !isWithin(m.created_at, query.created)) continue;
        rows.push({
          id: m.id,
          conversation_id: m.conversation_id,
          role: m.role,
          model: m.model,
          tokens_count: m.tokens_count,
          created_at: m.created_at,
        });
      }
    }
    rows.sort((a, b) => instantMs(a.created_at) - instantMs(b.created_at) || byId(a, b));
    return capped(rows, max);
  }

  async deleteConversations(user: UserContext, ids: readonly string[]): Promise<string[]> {
    return this.tables.deleteConversations(user.userId, ids);
  }

  private conversations(user: UserContext, filter: ConversationFilter, where?: (r: ConversationRows) => boolean): IndexedConversation[] {
    const out: IndexedConversation[] = [];
    for (const record of this.tables.rowsOf(user.userId)) {
      const c = record.conversation;
      if (filter.model !== undefined && c.model !== filter.model) continue;
      if (filter.created && !isWithin(c.created_at, filter.created)) continue;
      if (where && !where(record)) continue;
      out.push({
        id: c.id,
        title: c.title,
        model: c.model,
        active_branch_id: c.active_branch_id,
        created_at: c.created_at,
        updated_at: c.updated_at,
        message_count: record.messages.length,
        branch_count: record.branches.length,
      });
    }
    return out;
  }
}
