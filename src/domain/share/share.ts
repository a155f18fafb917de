import type { MessageRole } from '../conversation/conversation';

/** One message of a shared snapshot: what a reader sees, and nothing that identifies anyone. */
export interface SharedMessage {
  role: MessageRole;
  content: string;
  model: string | null;
  created_at: string;
}

/** A read-only copy of one branch's thread as it was when shared. */
export interface ShareSnapshot {
  title: string | null;
  model: string | null;
  messages: SharedMessage[];
}

/** A share as its owner sees it. */
export interface ShareSummary {
  share_id: string;
  conversation_id: string;
  branch_id: string;
  created_at: string;
}

/** A share as anyone with its id sees it: the snapshot and when it was shared, never its owner. */
export interface PublicShare {
  share_id: string;
  shared_at: string;
  snapshot: ShareSnapshot;
}

export interface NewShare extends ShareSummary {
  snapshot: ShareSnapshot;
}

/** Share ids are random base64url text of 32 characters (192 bits). */
export const SHARE_ID_PATTERN = '^[A-Za-z0-9_-]{32}$';
