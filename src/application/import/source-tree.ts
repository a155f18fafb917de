import { countSkip, type ImportedConversation, type ImportedMessage, type SkipReason } from '../../domain/import/imported-conversation';

/** One node of a source tree: a message to keep, a reason to skip it, or null (structure only). */
export interface SourceNode {
  parent: string | null;
  children: readonly string[];
  content: Omit<ImportedMessage, 'key' | 'parentKey'> | SkipReason | null;
}

/**
 * The kept messages of a source tree, parents before children (depth first, siblings in source
 * order), with each skipped node's children attached to its nearest kept ancestor. The thread
 * that leads to `current` keeps its first question; other first questions are counted as
 * `root_fork` with everything under them. Iterative, and every node is visited once, so a deep
 * thread cannot overflow the stack and a cycle in the source cannot hang.
 */
export function flattenSourceTree(
  nodes: ReadonlyMap<string, SourceNode>,
  current: string | null,
  skipped: ImportedConversation['skipped'],
): { messages: ImportedMessage[]; currentKey: string | null } {
  const isKept = (key: string) => {
    const c = nodes.get(key)?.content;
    return c !== null && c !== undefined && typeof c === 'object';
  };
  const pathToCurrent = ancestry(nodes, current);
  const preferredRoot = pathToCurrent.find((key) => isKept(key) && (nodes.get(key)!.content as ImportedMessage).role === 'user');

  const messages: ImportedMessage[] = [];
  const emitted = new Set<string>();
  const visited = new Set<string>();
  let root: string | undefined;
  const roots = [...nodes.keys()].filter((key) => {
    const parent = nodes.get(key)!.parent;
    return parent === null || !nodes.has(parent);
  });
  const stack: { key: string; ancestor: string | null }[] = roots.reverse().map((key) => ({ key, ancestor: null }));
  while (stack.length > 0) {
    const { key, ancestor } = stack.pop()!;
    if (visited.has(key)) continue;
    visited.add(key);
    const node = nodes.get(key)!;
    let nextAncestor = ancestor;
    const content = node.content;
    if (typeof content === 'string') countSkip(skipped, content);
    else if (content !== null) {
      if (ancestor === null && content.role === 'assistant') countSkip(skipped, 'leading_assistant');
      else if (ancestor === null && (root !== undefined || (preferredRoot !== undefined && key !== preferredRoot))) {
        countSkip(skipped, 'root_fork', countKept(nodes, key, visited, skipped));
        continue;
      } else {
        if (ancestor === null) root = key;
        messages.push({ key, parentKey: ancestor, ...content });
        emitted.add(key);
        nextAncestor = key;
      }
    }
    for (let i = node.children.length - 1; i >= 0; i--) {
      const child = node.children[i]!;
      if (nodes.has(child) && !visited.has(child)) stack.push({ key: child, ancestor: nextAncestor });
    }
  }
  const currentKey = [...pathToCurrent].reverse().find((key) => emitted.has(key)) ?? null;
  return { messages, currentKey };
}

/** Keys from the root down to `leaf` (empty when `leaf` is unknown). */
function ancestry(nodes: ReadonlyMap<string, SourceNode>, leaf: string | null): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  for (let key = leaf; key !== null && nodes.has(key) && !seen.has(key); key = nodes.get(key)!.parent) {
    seen.add(key);
    path.push(key);
  }
  return path.reverse();
}

/** Kept messages under `key` (itself included), marked visited; skipped nodes among them are counted as such. */
function countKept(
  nodes: ReadonlyMap<string, SourceNode>,
  key: string,
  visited: Set<string>,
  skipped: ImportedConversation['skipped'],
): number {
  let kept = 0;
  const stack = [key];
  visited.delete(key);
  while (stack.length > 0) {
    const k = stack.pop()!;
    if (visited.has(k)) continue;
    visited.add(k);
    const node = nodes.get(k)!;
    if (typeof node.content === 'string') countSkip(skipped, node.content);
    else if (node.content !== null) kept += 1;
    for (const child of node.children) if (nodes.has(child)) stack.push(child);
  }
  return kept;
}
