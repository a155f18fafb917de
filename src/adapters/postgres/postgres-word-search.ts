import { MATCHES_PER_CONVERSATION, type ConversationHit, type MessageMatch } from '../../domain/search/conversation-search';
import { MATCH_END, MATCH_START, snippetFromMarked } from '../../domain/search/marked-snippet';
import type { UserContext } from '../../domain/user/user-context';
import type { WordSearchQuery } from '../../ports/conversation-index.port';
import { translated } from './database-errors';
import { isoOf, type SqlDatabase } from './sql-database';

/** ts_headline options: private-use markers around matched words, one fragment of about 25 words. */
const HEADLINE = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=25, MinWords=10, ShortWord=2, MaxFragments=1, FragmentDelimiter=" "`;
const TITLE_HEADLINE = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, HighlightAll=true`;

interface ConversationRow {
  id: string;
  title: string | null;
  model: string | null;
  created_at: unknown;
  updated_at: unknown;
  message_count: number;
  match_count: number;
  marked_title: string | null;
  total: number;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  branch_id: string;
  role: MessageMatch['role'];
  created_at: unknown;
  content: string;
  marked: string;
}

/**
 * Full-text search on PostgreSQL: the query in web-search syntax (`websearch_to_tsquery`: words,
 * "quoted phrases", `or`, `-excluded`), English stemming, over the tsvector columns the database
 * keeps itself. Conversations whose title or some message matches, title matches first, then by
 * `ts_rank`, then most recently active; the best matching messages of each with a `ts_headline`
 * fragment, its matched words as highlight offsets. Every statement filters on the owner. The
 * newest `candidates` matching messages are looked at; `truncated` says when there were more.
 */
export class PostgresWordSearch {
  constructor(private readonly db: SqlDatabase) {}

  search(
    user: UserContext,
    q: WordSearchQuery,
    candidates: number,
  ): Promise<{ items: ConversationHit[]; total: number; truncated: boolean }> {
    return translated(async () => {
      const params = [
        user.userId,
        q.filter.model ?? null,
        q.filter.created?.from ?? null,
        q.filter.created?.until ?? null,
        q.query,
        q.minMessages ?? null,
        q.maxMessages ?? null,
        q.limit,
        q.offset,
        candidates,
        TITLE_HEADLINE,
      ];
      const { rows } = await this.db.query<ConversationRow & { more: boolean }>(
        `WITH q AS (SELECT websearch_to_tsquery('english', $5) AS q),
         found AS (
           SELECT m.conversation_id, ts_rank(m.search, q.q) AS rank
             FROM messages m, q WHERE m.user_id = $1 AND m.search @@ q.q
            ORDER BY m.created_at DESC, m.id LIMIT $10 + 1
         ),
         looked AS (SELECT * FROM found LIMIT $10),
         per AS (SELECT conversation_id, max(rank) AS rank, count(*)::int AS n FROM looked GROUP BY conversation_id),
         conv AS (
           SELECT c.id, c.title, c.model, c.created_at, c.updated_at,
                  (SELECT count(*)::int FROM messages x WHERE x.conversation_id = c.id AND x.user_id = $1) AS message_count,
                  coalesce(per.n, 0) AS match_count,
                  CASE WHEN c.title_search @@ q.q THEN ts_headline('english', c.title, q.q, $11) END AS marked_title,
                  (c.title_search @@ q.q) AS title_hit,
                  greatest(ts_rank(c.title_search, q.q), coalesce(per.rank, 0)) AS rank
             FROM conversations c CROSS JOIN q LEFT JOIN per ON per.conversation_id = c.id
            WHERE c.user_id = $1 AND ($2::text IS NULL OR c.model = $2)
              AND ($3::timestamptz IS NULL OR c.created_at >= $3) AND ($4::timestamptz IS NULL OR c.created_at < $4)
              AND (c.title_search @@ q.q OR per.conversation_id IS NOT NULL)
         ),
         sized AS (SELECT * FROM conv WHERE ($6::int IS NULL OR message_count >= $6) AND ($7::int IS NULL OR message_count <= $7))
         SELECT id, title, model, created_at, updated_at, message_count, match_count, marked_title,
                count(*) OVER ()::int AS total, (SELECT count(*) FROM found) > $10 AS more
           FROM sized ORDER BY title_hit DESC, rank DESC, updated_at DESC, id LIMIT $8 OFFSET $9`,
        params,
      );
      const truncated = rows[0]?.more ?? false;
      const total = rows[0]?.total ?? (await this.countOnly(params));
      const matches = await this.bestMessages(
        user,
        q.query,
        rows.map((r) => r.id),
      );
      const items = rows.map((r): ConversationHit => ({
        id: r.id,
        title: r.title,
        model: r.model,
        created_at: isoOf(r.created_at),
        updated_at: isoOf(r.updated_at),
        message_count: r.message_count,
        title_highlights: r.title && r.marked_title ? snippetFromMarked(r.title, r.marked_title).highlights : [],
        matches: matches.get(r.id) ?? [],
        match_count: r.match_count,
      }));
      return { items, total, truncated };
    });
  }

  /** A page past the end has no rows to carry the total: it is counted on its own. */
  private async countOnly(params: unknown[]): Promise<number> {
    if (params[8] === 0) return 0;
    const { rows } = await this.db.query<{ n: number }>(
      `WITH q AS (SELECT websearch_to_tsquery('english', $5) AS q)
       SELECT count(*)::int AS n FROM conversations c, q
        WHERE c.user_id = $1 AND ($2::text IS NULL OR c.model = $2)
          AND ($3::timestamptz IS NULL OR c.created_at >= $3) AND ($4::timestamptz IS NULL OR c.created_at < $4)
          AND (c.title_search @@ q.q OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.user_id = $1 AND m.search @@ q.q))
          AND ($6::int IS NULL OR (SELECT count(*) FROM messages x WHERE x.conversation_id = c.id AND x.user_id = $1) >= $6)
          AND ($7::int IS NULL OR (SELECT count(*) FROM messages x WHERE x.conversation_id = c.id AND x.user_id = $1) <= $7)`,
      params.slice(0, 7),
    );
    return rows[0]!.n;
  }

  /** The best matching messages of each conversation (rank, then newest), with their headline. */
  private async bestMessages(user: UserContext, query: string, conversationIds: string[]): Promise<Map<string, MessageMatch[]>> {
    const out = new Map<string, MessageMatch[]>();
    if (conversationIds.length === 0) return out;
    const { rows } = await this.db.query<MessageRow>(
      `WITH q AS (SELECT websearch_to_tsquery('english', $2) AS q),
       ranked AS (
         SELECT m.id, m.conversation_id, m.branch_id, m.role, m.created_at, m.content,
                row_number() OVER (PARTITION BY m.conversation_id ORDER BY ts_rank(m.search, q.q) DESC, m.created_at DESC, m.id) AS rn
           FROM messages m, q WHERE m.user_id = $1 AND m.conversation_id = ANY($3::uuid[]) AND m.search @@ q.q
       )
       SELECT r.id, r.conversation_id, r.branch_id, r.role, r.created_at, r.content, ts_headline('english', r.content, q.q, $5) AS marked
         FROM ranked r, q WHERE r.rn <= $4 ORDER BY r.conversation_id, r.rn`,
      [user.userId, query, conversationIds, MATCHES_PER_CONVERSATION, HEADLINE],
    );
    for (const r of rows) {
      const list = out.get(r.conversation_id) ?? [];
      list.push({
        message_id: r.id,
        branch_id: r.branch_id,
        role: r.role,
        created_at: isoOf(r.created_at),
        ...snippetFromMarked(r.content, r.marked),
      });
      out.set(r.conversation_id, list);
    }
    return out;
  }
}
