// Rendering a conversation with branches from GET /v1/conversations/{id}/full.
import type { ConversationFull, Message } from '../../clients/typescript';
import type { Gateway } from './gateway-api';

export interface ThreadItem {
  message: Message;
  /** This message among its alternatives (siblings at a fork): show "‹ index / count ›" when count > 1. */
  alternative: { index: number; count: number; previousId?: string; nextId?: string };
}

/** The visible thread (the active branch), each message with its alternatives. */
export function visibleThread(full: ConversationFull): ThreadItem[] {
  const byId = new Map(full.messages.map((m) => [m.id, m]));
  return full.tree.active_thread.map((id) => {
    const message = byId.get(id)!;
    const siblings = message.parent_id === null ? full.tree.roots : (full.tree.children[message.parent_id] ?? [id]);
    const at = siblings.indexOf(id);
    return {
      message,
      alternative: { index: at + 1, count: siblings.length, previousId: siblings[at - 1], nextId: siblings[at + 1] },
    };
  });
}

/** The branch to activate so that `messageId` becomes visible: the most recently active one through it. */
export function branchShowing(full: ConversationFull, messageId: string): string | undefined {
  const parentOf = new Map(full.messages.map((m) => [m.id, m.parent_id]));
  const passesThrough = (leaf: string | null): boolean => {
    for (let id = leaf; id !== null && id !== undefined; id = parentOf.get(id) ?? null) if (id === messageId) return true;
    return false;
  };
  const candidates = full.branches.filter((b) => passesThrough(b.leaf_message_id));
  candidates.sort((a, b) => (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at));
  return candidates[0]?.id;
}

/** The user clicked "‹" or "›": show that alternative and answer the conversation as it now is. */
export async function showAlternative(gateway: Gateway, full: ConversationFull, messageId: string): Promise<ConversationFull> {
  const branchId = branchShowing(full, messageId);
  if (!branchId) throw new Error(`No branch shows message ${messageId}`);
  const id = encodeURIComponent(full.conversation.id);
  await gateway.call('POST', `/v1/conversations/${id}/branches/${encodeURIComponent(branchId)}/activate`);
  return gateway.call<ConversationFull>('GET', `/v1/conversations/${id}/full`);
}
