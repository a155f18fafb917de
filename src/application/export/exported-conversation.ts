import type { Branch, Conversation, ConversationFull, Message } from '../../domain/conversation/conversation';
import { describeConversation } from '../../domain/conversation/conversation-tree';
import { instantMs } from '../../domain/time/date-range';

export type ExportBranches = 'active' | 'all';

export interface ExportedBranch extends Branch {
  is_active: boolean;
}

/** One conversation as an export holds it. */
export interface ExportedConversation {
  conversation: Conversation;
  /** The active branch only, or every branch (creation order). */
  branches: ExportedBranch[];
  /**
   * `active`: the thread the user sees, oldest first (it may start on the branches it forked from).
   * `all`: every message of every branch, oldest first.
   */
  messages: Message[];
}

function byCreation(a: Message, b: Message): number {
  return instantMs(a.created_at) - instantMs(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function exportedConversation(full: ConversationFull, branches: ExportBranches): ExportedConversation {
  const activeId = full.conversation.active_branch_id;
  const allBranches = full.branches.map((b) => ({ ...b, is_active: b.id === activeId }));
  if (branches === 'all') {
    return { conversation: full.conversation, branches: allBranches, messages: [...full.messages].sort(byCreation) };
  }
  const byId = new Map(full.messages.map((m) => [m.id, m]));
  const thread = describeConversation(full).tree.active_thread.map((id) => byId.get(id) as Message);
  return { conversation: full.conversation, branches: allBranches.filter((b) => b.is_active), messages: thread };
}
