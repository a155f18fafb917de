import type { NewShare, PublicShare, ShareSummary } from '../domain/share/share';
import type { UserContext } from '../domain/user/user-context';
import { token } from './token';

/**
 * Snapshots shared by link. Writes, lists and revocations are on behalf of the owner (row-level
 * security upstream, an ownership check in the twin): another user's share is never listed and
 * never revoked. The public read needs no user: the id itself is the capability.
 */
export interface ShareStore {
  create(user: UserContext, share: NewShare): Promise<void>;
  /** The owner's shares of one conversation, newest first. */
  listForConversation(user: UserContext, conversationId: string): Promise<ShareSummary[]>;
  /** Revokes the owner's share; false when there is none with that id (or it is someone else's). */
  revoke(user: UserContext, shareId: string): Promise<boolean>;
  /** The snapshot behind a share id, for anyone; null when unknown or revoked. */
  read(shareId: string): Promise<PublicShare | null>;
}

export const SHARE_STORE = token<ShareStore>('ShareStore');
