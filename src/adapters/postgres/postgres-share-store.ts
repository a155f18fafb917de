import { notFound } from '../../domain/errors/app-error';
import type { NewShare, PublicShare, ShareSnapshot, ShareSummary } from '../../domain/share/share';
import type { UserContext } from '../../domain/user/user-context';
import { isUuid } from '../../domain/user/uuid';
import type { ShareStore } from '../../ports/share-store.port';
import { referencing, translated } from './database-errors';
import { isoOf, type SqlDatabase } from './sql-database';

interface SummaryRow {
  share_id: string;
  conversation_id: string;
  branch_id: string;
  created_at: unknown;
}

interface PublicRow {
  share_id: string;
  created_at: unknown;
  snapshot: ShareSnapshot;
}

/**
 * Share links in `conversation_shares` of the gateway's own database (a server or PGlite), beside
 * the conversations: the same behaviour as the memory twin, proven by the same contract suite.
 * Every write, list and revocation names the caller's id, so another user's share is never listed
 * and never revoked; the public read looks up one exact id and nothing else. A share points at a
 * conversation of its owner (foreign key), and goes when that conversation is deleted.
 */
export class PostgresShareStore implements ShareStore {
  constructor(private readonly db: SqlDatabase) {}

  async create(user: UserContext, share: NewShare): Promise<void> {
    // A malformed id would fail the uuid cast as an internal error; it names no conversation at all.
    if (!isUuid(share.conversation_id) || !isUuid(share.branch_id)) throw notFound('Conversation');
    // No ON CONFLICT: an existing share id is refused (primary key), never overwritten.
    await referencing('Conversation', () =>
      this.db.query(
        `INSERT INTO conversation_shares (share_id, user_id, conversation_id, branch_id, snapshot, created_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
        [share.share_id, user.userId, share.conversation_id, share.branch_id, JSON.stringify(share.snapshot), share.created_at],
      ),
    );
  }

  async listForConversation(user: UserContext, conversationId: string): Promise<ShareSummary[]> {
    if (!isUuid(conversationId)) return [];
    return translated(async () => {
      // Ties on the time are broken by id in byte order (COLLATE "C"), as the twin compares strings.
      const { rows } = await this.db.query<SummaryRow>(
        `SELECT share_id, conversation_id, branch_id, created_at FROM conversation_shares
          WHERE user_id = $1 AND conversation_id = $2
          ORDER BY created_at DESC, share_id COLLATE "C" DESC`,
        [user.userId, conversationId],
      );
      return rows.map((r) => ({
        share_id: r.share_id,
        conversation_id: r.conversation_id,
        branch_id: r.branch_id,
        created_at: isoOf(r.created_at),
      }));
    });
  }

  revoke(user: UserContext, shareId: string): Promise<boolean> {
    return translated(async () => {
      const { rowCount } = await this.db.query('DELETE FROM conversation_shares WHERE share_id = $1 AND user_id = $2', [
        shareId,
        user.userId,
      ]);
      return rowCount > 0;
    });
  }

  read(shareId: string): Promise<PublicShare | null> {
    return translated(async () => {
      // The id is the capability: one exact id, never the owner nor the conversation.
      const { rows } = await this.db.query<PublicRow>(
        'SELECT share_id, created_at, snapshot FROM conversation_shares WHERE share_id = $1',
        [shareId],
      );
      const row = rows[0];
      return row ? { share_id: row.share_id, shared_at: isoOf(row.created_at), snapshot: row.snapshot } : null;
    });
  }
}
