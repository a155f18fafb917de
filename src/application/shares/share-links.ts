import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { ConversationFull } from '../../domain/conversation/conversation';
import { branchLeaf, threadTo } from '../../domain/conversation/conversation-tree';
import { notFound } from '../../domain/errors/app-error';
import type { PublicShare, ShareSnapshot, ShareSummary } from '../../domain/share/share';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { SHARE_STORE, type ShareStore } from '../../ports/share-store.port';

/** 24 random bytes: 192 bits, 32 characters of base64url. */
export function newShareId(): string {
  return randomBytes(24).toString('base64url');
}

/** The thread of one branch as a snapshot: roles, text, models and times only. */
export function snapshotOf(full: ConversationFull, branchId: string): ShareSnapshot {
  const branch = full.branches.find((b) => b.id === branchId);
  if (!branch) throw notFound('Branch');
  const byId = new Map(full.messages.map((m) => [m.id, m]));
  const thread = threadTo(branchLeaf(branch, full.messages), byId).map((id) => byId.get(id)!);
  return {
    title: full.conversation.title,
    model: full.conversation.model,
    messages: thread.map(({ role, content, model, created_at }) => ({ role, content, model, created_at })),
  };
}

/**
 * Read-only links to a snapshot of a branch. Sharing reads the conversation on behalf of the
 * caller, so another user's conversation is NOT_FOUND exactly as everywhere else; revoking goes
 * through the owner's store scope, so another user's share is NOT_FOUND too.
 */
@injectable()
export class ShareLinks {
  constructor(
    @inject(CONVERSATION_STORE) private readonly conversations: ConversationStore,
    @inject(SHARE_STORE) private readonly shares: ShareStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(user: UserContext, conversationId: string, branchId?: string): Promise<ShareSummary> {
    const full = await this.conversations.getConversationFull(user, conversationId);
    const branch = branchId ?? full.conversation.active_branch_id ?? full.branches[0]?.id;
    if (!branch) throw notFound('Branch');
    const share = {
      share_id: newShareId(),
      conversation_id: full.conversation.id,
      branch_id: branch,
      created_at: this.clock.now().toISOString(),
      snapshot: snapshotOf(full, branch),
    };
    await this.shares.create(user, share);
    const { snapshot: _snapshot, ...summary } = share;
    return summary;
  }

  async list(user: UserContext, conversationId: string): Promise<ShareSummary[]> {
    await this.conversations.getConversation(user, conversationId);
    return this.shares.listForConversation(user, conversationId);
  }

  async revoke(user: UserContext, shareId: string): Promise<void> {
    if (!(await this.shares.revoke(user, shareId))) throw notFound('Share');
  }

  async read(shareId: string): Promise<PublicShare> {
    const share = await this.shares.read(shareId);
    if (!share) throw notFound('Share');
    return share;
  }
}
