import type { MessageRole } from '../../domain/conversation/conversation';
import type { MatchedMessageRow } from '../../domain/search/conversation-search';
import { containsTerm } from '../../domain/search/text-match';
import type { TimeRange } from '../../domain/time/date-range';
import type { UserContext } from '../../domain/user/user-context';
import { isUuid } from '../../domain/user/uuid';
import type { Clock } from '../../ports/clock.port';
import type {
  Capped,
  ConversationFilter,
  ConversationIndex,
  ConversationOrder,
  IndexedConversation,
  MessageActivity,
} from '../../ports/conversation-index.port';
import type { Logger } from '../../ports/logger.port';
import type { UpstreamObserver } from '../http/upstream-observer';
import {
  CONVERSATION_SELECT,
  contentRangeTotal,
  MATCHED_MESSAGE_SELECT,
  MESSAGE_ACTIVITY_SELECT,
  parseConversation,
  parseMatchedMessage,
  parseMessageActivity,
  rowsOf,
} from './conversation-index-rows';
import { PostgrestClient } from './postgrest-client';
import { appendRange, eq, ilikeContains, inUuids } from './postgrest-filters';

export interface SupabaseConversationIndexOptions {
  supabaseUrl: string;
  anonKey: string | undefined;
  poolSize: number;
  timeoutMs: number;
  retries?: number;
  observer?: UpstreamObserver;
  /** Share one Supabase REST client (pool, breaker) with the other Supabase adapters. */
  client?: PostgrestClient;
  /**
   * Rows asked for per request when a scan needs more: the project's `max_rows` (1000 by
   * default). Supabase cuts every answer to it without saying so, so a scan takes a page shorter
   * than asked for the last one; a larger value would silently lose rows.
   */
  pageSize?: number;
  /** Ids per `id=in.(...)` request, so URLs stay far below proxy limits (37 bytes per id). */
  idsPerRequest?: number;
}

type Query = URLSearchParams;

function query(entries: Record<string, string>): Query {
  return new URLSearchParams(entries);
}

function applyFilter(q: Query, filter: ConversationFilter): Query {
  if (filter.model !== undefined) q.append('model', eq(filter.model));
  appendRange(q, 'created_at', filter.created);
  return q;
}

/** Ties broken by id, so offset pages never overlap or skip a row. */
function orderParam(order: ConversationOrder): string {
  return `${order},id.asc`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * ConversationIndex over Supabase REST (PostgREST) on the platform's `conversations`, `branches`
 * and `messages` tables, with the user's own JWT: RLS limits every read and every delete to the
 * user's rows, so another user's ids are never matched (and never revealed).
 *
 * Filters are built by rule in postgrest-filters.ts: user text only ever goes into single-column
 * operands, never into `or=`/`in.` lists, and LIKE's own metacharacters are escaped. Rows matched
 * by text are re-checked with the domain's literal matcher, so both this adapter and the memory
 * twin answer exactly "contains the term, ignoring case". Scans page through results because
 * Supabase truncates every answer to its `max_rows` silently.
 */
export class SupabaseConversationIndex implements ConversationIndex {
  private readonly rest: PostgrestClient;
  private readonly pageSize: number;
  private readonly idsPerRequest: number;

  constructor(options: SupabaseConversationIndexOptions, clock: Clock, logger: Logger) {
    this.rest = options.client ?? new PostgrestClient(options, clock, logger.child({ component: 'supabase-rest' }));
    this.pageSize = options.pageSize ?? 1000;
    this.idsPerRequest = options.idsPerRequest ?? 100;
  }

  async listConversations(
    user: UserContext,
    filter: ConversationFilter,
    order: ConversationOrder,
    page: { offset: number; limit: number },
  ): Promise<{ items: IndexedConversation[]; total: number }> {
    const base = applyFilter(query({ select: CONVERSATION_SELECT }), filter);
    base.set('order', orderParam(order));
    const items: IndexedConversation[] = [];
    let total: number | undefined;
    while (items.length < page.limit) {
      const want = Math.min(this.pageSize, page.limit - items.length);
      const q = new URLSearchParams(base);
      q.set('offset', String(page.offset + items.length));
      q.set('limit', String(want));
      const res = await this.rest.request(user, {
        operation: 'conversations.list',
        method: 'GET',
        table: 'conversations',
        query: q,
        // Counted once: the first page says how many rows pass the filter.
        ...(total === undefined ? { prefer: ['count=exact'] } : {}),
        idempotent: true,
        notFound: 'conversation',
      });
      const rows = rowsOf(res.data, 'conversations');
      total ??= contentRangeTotal(res.headers['content-range']);
      items.push(...rows.map(parseConversation));
      // The count tells a page cut by max_rows from the last one.
      if (rows.length === 0 || (total === undefined ? rows.length < want : page.offset + items.length >= total)) break;
    }
    return { items, total: total ?? page.offset + items.length };
  }

  async conversationsByIds(user: UserContext, ids: readonly string[], filter: ConversationFilter): Promise<IndexedConversation[]> {
    // A value that is not a UUID names no row (the column is a uuid): asking for it would be a 400.
    const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    const out: IndexedConversation[] = [];
    for (const part of chunks(wanted, this.idsPerRequest)) {
      const q = applyFilter(query({ select: CONVERSATION_SELECT, id: inUuids(part) }), filter);
      q.set('order', orderParam('updated_at.desc'));
      const res = await this.rest.request(user, {
        operation: 'conversations.by_ids',
        method: 'GET',
        table: 'conversations',
        query: q,
        idempotent: true,
        notFound: 'conversation',
      });
      out.push(...rowsOf(res.data, 'conversations').map(parseConversation));
    }
    return out.sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || (a.id < b.id ? -1 : 1));
  }

  async findByTitle(user: UserContext, term: string, filter: ConversationFilter, max: number): Promise<Capped<IndexedConversation>> {
    const q = applyFilter(query({ select: CONVERSATION_SELECT, title: ilikeContains(term) }), filter);
    q.set('order', orderParam('updated_at.desc'));
    const found = await this.scan(user, 'conversations', 'conversations.search_titles', q, max, parseConversation);
    return { items: found.items.filter((c) => containsTerm(c.title, term)), truncated: found.truncated };
  }

  async findMessages(user: UserContext, term: string, max: number): Promise<Capped<MatchedMessageRow>> {
    const q = query({ select: MATCHED_MESSAGE_SELECT, content: ilikeContains(term), order: 'created_at.desc,id.asc' });
    const found = await this.scan(user, 'messages', 'messages.search_content', q, max, parseMatchedMessage);
    return { items: found.items.filter((m) => containsTerm(m.content, term)), truncated: found.truncated };
  }

  async messageActivity(
    user: UserContext,
    filter: { created?: TimeRange; role?: MessageRole },
    max: number,
  ): Promise<Capped<MessageActivity>> {
    const q = query({ select: MESSAGE_ACTIVITY_SELECT });
    if (filter.role !== undefined) q.append('role', eq(filter.role));
    appendRange(q, 'created_at', filter.created);
    q.set('order', 'created_at.asc,id.asc');
    return this.scan(user, 'messages', 'messages.activity', q, max, parseMessageActivity);
  }

  async deleteConversations(user: UserContext, ids: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    const deleted: string[] = [];
    for (const part of chunks(wanted, this.idsPerRequest)) {
      const res = await this.rest.request(user, {
        operation: 'conversations.delete',
        method: 'DELETE',
        table: 'conversations',
        query: query({ id: inUuids(part), select: 'id' }),
        // The representation lists what THIS call deleted: a repeat would answer [] and hide it.
        prefer: ['return=representation'],
        idempotent: false,
        notFound: 'conversation',
      });
      for (const row of rowsOf(res.data, 'conversations')) {
        if (typeof row.id === 'string') deleted.push(row.id.toLowerCase());
      }
    }
    return deleted;
  }

  /**
   * Up to `max` rows of a query in order, a page at a time: one row more than `max` is asked
   * for, to know whether the set was truncated. A page shorter than asked ends the scan.
   */
  private async scan<T>(
    user: UserContext,
    table: string,
    operation: string,
    base: Query,
    max: number,
    parse: (row: Record<string, unknown>) => T,
  ): Promise<Capped<T>> {
    const items: T[] = [];
    while (items.length <= max) {
      const want = Math.min(this.pageSize, max + 1 - items.length);
      const q = new URLSearchParams(base);
      q.set('offset', String(items.length));
      q.set('limit', String(want));
      const res = await this.rest.request(user, { operation, method: 'GET', table, query: q, idempotent: true, notFound: table });
      const rows = rowsOf(res.data, table);
      items.push(...rows.map(parse));
      if (rows.length < want) break;
    }
    return { items: items.slice(0, max), truncated: items.length > max };
  }
}
