import type { NewShare, PublicShare, ShareSummary } from '../../domain/share/share';
import type { UserContext } from '../../domain/user/user-context';
import type { ShareStore } from '../../ports/share-store.port';

/** The share store in process: the embedded default and the contract suite's twin. */
export class MemoryShareStore implements ShareStore {
  private readonly shares = new Map<string, NewShare & { owner: string }>();

  async create(user: UserContext, share: NewShare): Promise<void> {
    if (this.shares.has(share.share_id)) throw new Error('share id collision');
    this.shares.set(share.share_id, structuredClone({ ...share, owner: user.userId }));
  }

  async listForConversation(user: UserContext, conversationId: string): Promise<ShareSummary[]> {
    return [...this.shares.values()]
      .filter((s) => s.owner === user.userId && s.conversation_id === conversationId)
      .sort((a, b) => (a.created_at === b.created_at ? (a.share_id < b.share_id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1))
      .map(({ share_id, conversation_id, branch_id, created_at }) => ({ share_id, conversation_id, branch_id, created_at }));
  }

  async revoke(user: UserContext, shareId: string): Promise<boolean> {
    const share = this.shares.get(shareId);
    if (!share || share.owner !== user.userId) return false;
    this.shares.delete(shareId);
    return true;
  }

  async read(shareId: string): Promise<PublicShare | null> {
    const share = this.shares.get(shareId);
    return share ? structuredClone({ share_id: share.share_id, shared_at: share.created_at, snapshot: share.snapshot }) : null;
  }
}
