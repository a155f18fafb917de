import type { NewShare, PublicShare, ShareSnapshot, ShareSummary } from '../../domain/share/share';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import type { ShareStore } from '../../ports/share-store.port';
import type { PostgrestClient } from './postgrest-client';

const TABLE = 'conversation_shares';
const SUMMARY = 'share_id,conversation_id,branch_id,created_at';

interface PublicRow {
  share_id: string;
  shared_at: string;
  snapshot: ShareSnapshot;
}

function contract(message: string): AppError {
  return new AppError('UPSTREAM_CONTRACT', `Supabase answered an unusable share: ${message}`, { details: { upstream: 'supabase' } });
}

/** An ISO time as the API writes them (PostgREST answers `+00:00` offsets and microseconds). */
function iso(value: unknown): string {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw contract('a time that does not parse');
  return new Date(ms).toISOString();
}

/**
 * Share links in the `conversation_shares` table of Supabase (docs/supabase-shares.sql), through
 * Supabase REST with the owner's own JWT: row-level security decides every write, list and
 * delete. The public read calls `get_share(p_share_id)` with the anon key only: a security
 * definer function that answers one snapshot for one exact id, so the table is never listable.
 */
export class SupabaseShareStore implements ShareStore {
  constructor(private readonly client: PostgrestClient) {}

  async create(user: UserContext, share: NewShare): Promise<void> {
    await this.client.request(user, {
      operation: 'shares.create',
      method: 'POST',
      table: TABLE,
      query: {},
      body: share,
      prefer: ['return=minimal'],
      idempotent: false,
      notFound: 'Share',
    });
  }

  async listForConversation(user: UserContext, conversationId: string): Promise<ShareSummary[]> {
    const res = await this.client.request<ShareSummary[]>(user, {
      operation: 'shares.list',
      method: 'GET',
      table: TABLE,
      query: { select: SUMMARY, conversation_id: `eq.${conversationId}`, order: 'created_at.desc,share_id.desc' },
      idempotent: true,
      notFound: 'Share',
    });
    if (!Array.isArray(res.data)) throw contract('the list is not an array');
    return res.data.map((r) => ({
      share_id: r.share_id,
      conversation_id: r.conversation_id,
      branch_id: r.branch_id,
      created_at: iso(r.created_at),
    }));
  }

  async revoke(user: UserContext, shareId: string): Promise<boolean> {
    const res = await this.client.request<{ share_id: string }[]>(user, {
      operation: 'shares.revoke',
      method: 'DELETE',
      table: TABLE,
      query: { select: 'share_id', share_id: `eq.${shareId}` },
      prefer: ['return=representation'],
      idempotent: true,
      notFound: 'Share',
    });
    return Array.isArray(res.data) && res.data.length > 0;
  }

  async read(shareId: string): Promise<PublicShare | null> {
    const res = await this.client.requestAnonymous<PublicRow[]>({
      operation: 'shares.read',
      method: 'POST',
      table: 'rpc/get_share',
      query: {},
      body: { p_share_id: shareId },
      idempotent: true,
      notFound: 'Share',
    });
    if (!Array.isArray(res.data)) throw contract('get_share did not answer a list');
    const row = res.data[0];
    if (!row) return null;
    if (!row.snapshot || !Array.isArray(row.snapshot.messages)) throw contract('a snapshot without messages');
    return { share_id: row.share_id, shared_at: iso(row.shared_at), snapshot: row.snapshot };
  }
}
