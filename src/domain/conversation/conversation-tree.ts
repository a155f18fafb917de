import type { Branch, ConversationFull, Message } from './conversation';

function byCreation(a: Message, b: Message): number {
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
}

/**
 * The last message of a branch: its newest own message, or the fork point when it has none yet
 * (null for an empty Main branch).
 */
export function branchLeaf(branch: Branch, messages: readonly Message[]): string | null {
  let leaf: Message | undefined;
  for (const m of messages) {
    if (m.branch_id === branch.id && (!leaf || byCreation(leaf, m) <= 0)) leaf = m;
  }
  return leaf?.id ?? branch.parent_message_id;
}

/** Message ids from the first message to `leafId`, following `parent_id` links. */
export function threadTo(leafId: string | null, byId: ReadonlyMap<string, Message>): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  let current = leafId ? byId.get(leafId) : undefined;
  // `seen` guards against a cycle in upstream data: a broken tree must not hang the request.
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    path.push(current.id);
    current = current.parent_id ? byId.get(current.parent_id) : undefined;
  }
  return path.reverse();
}

export interface BranchView extends Branch {
  is_active: boolean;
  /** The message the branch currently ends at. */
  leaf_message_id: string | null;
  /** Messages visible on this branch, including those inherited before its fork point. */
  message_count: number;
  /** Messages created on this branch itself. */
  own_message_count: number;
  last_message_at: string | null;
}

export interface ConversationTree {
  /** Ids of messages without a parent. */
  roots: string[];
  /** Each message's children, oldest first (a message with several children is a fork point). */
  children: Record<string, string[]>;
  /** The thread the user currently sees (active branch), oldest first. */
  active_thread: string[];
}

/** Branch statistics and the tree of a full conversation, computed once from its rows. */
export function describeConversation(full: ConversationFull): { branches: BranchView[]; tree: ConversationTree } {
  const messages = [...full.messages].sort(byCreation);
  const byId = new Map(messages.map((m) => [m.id, m]));
  // No prototype: a message id such as `constructor` (imported data) must not find an inherited property.
  const children = Object.create(null) as Record<string, string[]>;
  const roots: string[] = [];
  for (const m of messages) {
    children[m.id] ??= [];
    if (m.parent_id && byId.has(m.parent_id)) (children[m.parent_id] ??= []).push(m.id);
    else roots.push(m.id);
  }
  const activeId = full.conversation.active_branch_id;
  const branches = full.branches.map((b): BranchView => {
    const own = messages.filter((m) => m.branch_id === b.id);
    const leaf = branchLeaf(b, messages);
    return {
      ...b,
      is_active: b.id === activeId,
      leaf_message_id: leaf,
      message_count: threadTo(leaf, byId).length,
      own_message_count: own.length,
      last_message_at: own.length > 0 ? own[own.length - 1]!.created_at : null,
    };
  });
  const active = branches.find((b) => b.is_active);
  return { branches, tree: { roots, children, active_thread: active ? threadTo(active.leaf_message_id, byId) : [] } };
}
