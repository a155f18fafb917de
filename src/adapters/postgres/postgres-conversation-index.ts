import type { MessageRole } from '../../domain/conversation/conversation';
import type { MatchedMessageRow } from '../../domain/search/conversation-search';
import type { TimeRange } from '../../domain/time/date-range';
import type { UserContext } from '../../domain/user/user-context';
import { isUuid } from '../../domain/user/uuid';
import type {
  Capped,
  ConversationFilter,
  ConversationIndex,
  ConversationOrder,
  IndexedConversation,
  MessageActivity,
  WordSearchPage,
  WordSearchQuery,
} from '../../ports/conversation-index.port';
import { PostgresWordSearch } from './postgres-word-search';
import { translated } from './database-errors';
import { isoOf, likeLiteral, type SqlDatabase } from './sql-database';

/** The ORDER BY of each order: fixed text chosen by a closed set, ties broken by id. */
const ORDER_BY: Record<ConversationOrder, string> = {
  'updated_at.desc': 'c.updated_at DESC, c.id',
  'updated_at.asc': 'c.updated_at ASC, c.id',
  'created_at.desc': 'c.created_at DESC, c.id',
  'created_at.asc': 'c.created_at ASC, c.id',
};

/** The indexed columns of a conversation with its sizes, for the owner `$1`. */
const INDEXED = `c.id, c.title, c.model, c.active_branch_id, c.created_at, c.updated_at,
  (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.user_id = $1) AS message_count,
  (SELECT count(*)::int FROM branches b WHERE b.conversation_id = c.id AND b.user_id = $1) AS branch_count`;

/** The filter on `c`, with its values at `$2` (model), `$3` (from) and `$4` (until); an absent value passes every row. */
const FILTERED = `c.user_id = $1 AND ($2::text IS NULL OR c.model = $2)
  AND ($3::timestamptz IS NULL OR c.created_at >= $3) AND ($4::timestamptz IS NULL OR c.created_at < $4)`;

interface IndexedRow {
  id: string;
  title: string | null;
  model: string | null;
  active_branch_id: string | null;
  created_at: unknown;
  updated_at: unknown;
  message_count: number;
  branch_count: number;
}

function filterParams(user: UserContext, filter: ConversationFilter): unknown[] {
  return [user.userId, filter.model ?? null, filter.created?.from ?? null, filter.created?.until ?? null];
}

function toIndexed(row: IndexedRow): IndexedConversation {
  return { ...row, created_at: isoOf(row.created_at), updated_at: isoOf(row.updated_at) };
}

/** At most `max` of rows read with a limit of `max + 1`: the extra row only says there were more. */
function capped<T>(rows: T[], max: number): Capped<T> {
  return { items: rows.slice(0, max), truncated: rows.length > max };
}

/**
 * The ConversationIndex on the gateway's own tables (a server or PGlite): filtered lists, literal
 * search, activity and deletion in SQL, every statement limited to the caller's rows (`user_id =
 * $1`). Text is matched with ILIKE on the escaped term (`%`, `_` and `\` stand for themselves),
 * served by trigram indexes where pg_trgm is installed.
 */
export class PostgresConversationIndex implements ConversationIndex {
  private readonly words: PostgresWordSearch;

  constructor(private readonly db: SqlDatabase) {
    this.words = new PostgresWordSearch(db);
  }

  searchWords(user: UserContext, query: WordSearchQuery, candidates: number): Promise<WordSearchPage> {
    return this.words.search(user, query, candidates);
  }

  listConversations(
    user: UserContext,
    filter: ConversationFilter,
    order: ConversationOrder,
    page: { offset: number; limit: number },
  ): Promise<{ items: IndexedConversation[]; total: number }> {
    return translated(async () => {
      const params = filterParams(user, filter);
      const [rows, total] = await Promise.all([
        this.db.query<IndexedRow>(
          `SELECT ${INDEXED} FROM conversations c WHERE ${FILTERED} ORDER BY ${ORDER_BY[order]} LIMIT $5 OFFSET $6`,
          [...params, page.limit, page.offset],
        ),
        this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM conversations c WHERE ${FILTERED}`, params),
      ]);
      return { items: rows.rows.map(toIndexed), total: total.rows[0]!.n };
    });
  }

  conversationsByIds(user: UserContext, ids: readonly string[], filter: ConversationFilter): Promise<IndexedConversation[]> {
    const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    if (wanted.length === 0) return Promise.resolve([]);
    return translated(async () => {
      const { rows } = await this.db.query<IndexedRow>(
        `SELECT ${INDEXED} FROM conversations c WHERE ${FILTERED} AND c.id = ANY($5::uuid[]) ORDER BY ${ORDER_BY['updated_at.desc']}`,
        [...filterParams(user, filter), wanted],
      );
      return rows.map(toIndexed);
    });
  }

  findByTitle(user: UserContext, term: string, filter: ConversationFilter, max: number): Promise<Capped<IndexedConversation>> {
    return translated(async () => {
      const { rows } = await this.db.query<IndexedRow>(
        `SELECT ${INDEXED} FROM conversations c WHERE ${FILTERED} AND c.title ILIKE '%' || $5 || '%'
         ORDER BY ${ORDER_BY['updated_at.desc']} LIMIT $6`,
        [...filterParams(user, filter), likeLiteral(term), max + 1],
      );
      return capped(rows.map(toIndexed), max);
    });
  }

  findMessages(user: UserContext, term: string, max: number): Promise<Capped<MatchedMessageRow>> {
    return translated(async () => {
      const { rows } = await this.db.query<MatchedMessageRow & { created_at: unknown }>(
        `SELECT id, conversation_id, branch_id, role, content, created_at FROM messages
          WHERE user_id = $1 AND content ILIKE '%' || $2 || '%' ORDER BY created_at DESC, id LIMIT $3`,
        [user.userId, likeLiteral(term), max + 1],
      );
      return capped(
        rows.map((r) => ({ ...r, created_at: isoOf(r.created_at) })),
        max,
      );
    });
  }

  messageActivity(user: UserContext, query: { created?: TimeRange; role?: MessageRole }, max: number): Promise<Capped<MessageActivity>> {
    return translated(async () => {
      const { rows } = await this.db.query<MessageActivity & { created_at: unknown }>(
        `SELECT id, conversation_id, role, model, tokens_count, created_at FROM messages
          WHERE user_id = $1 AND ($2::text IS NULL OR role = $2)
            AND ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4)
          ORDER BY created_at, id LIMIT $5`,
        [user.userId, query.role ?? null, query.created?.from ?? null, query.created?.until ?? null, max + 1],
      );
      return capped(
        rows.map((r) => ({ ...r, created_at: isoOf(r.created_at) })),
        max,
      );
    });
  }

  deleteConversations(user: UserContext, ids: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
    if (wanted.length === 0) return Promise.resolve([]);
    return translated(async () => {
      // Branches and messages go with their conversation (ON DELETE CASCADE).
      const { rows } = await this.db.query<{ id: string }>(
        'DELETE FROM conversations WHERE user_id = $1 AND id = ANY($2::uuid[]) RETURNING id',
        [user.userId, wanted],
      );
      const deleted = new Set(rows.map((r) => r.id));
      return wanted.filter((id) => deleted.has(id));
    });
  }
}
