import { isoOrNull, type ImportedConversation } from '../../domain/import/imported-conversation';
import { array, at, id, object, optionalString, string } from './shape';
import { flattenSourceTree, type SourceNode } from './source-tree';

/**
 * One conversation of the gateway's own JSON export (`POST /v1/export/conversations`, either
 * `branches` choice): the branch tree is rebuilt from the messages' `parent_id`s, each fork keeping
 * its branch's name, and the exported active branch is active again.
 */
export function readGatewayConversation(value: unknown, path: string): ImportedConversation {
  const raw = object(value, path);
  const conversation = object(raw.conversation, at(path, 'conversation'));
  const sourceId = id(conversation.id, at(at(path, 'conversation'), 'id'));
  const activeBranch = optionalString(conversation.active_branch_id, at(at(path, 'conversation'), 'active_branch_id'));
  const branchNames = new Map<string, string>();
  const forkPoints = new Map<string, string | null>();
  array(raw.branches, at(path, 'branches')).forEach((b, i) => {
    const branch = object(b, at(at(path, 'branches'), i));
    const branchId = id(branch.id, at(at(at(path, 'branches'), i), 'id'));
    branchNames.set(branchId, string(branch.name, at(at(at(path, 'branches'), i), 'name')));
    forkPoints.set(branchId, optionalString(branch.parent_message_id, at(at(at(path, 'branches'), i), 'parent_message_id')));
  });

  const nodes = new Map<string, SourceNode & { children: string[]; branch: string }>();
  let current: string | null = activeBranch ? (forkPoints.get(activeBranch) ?? null) : null;
  let lastModel: string | null = null;
  array(raw.messages, at(path, 'messages')).forEach((item, i) => {
    const mPath = at(at(path, 'messages'), i);
    const m = object(item, mPath);
    const key = id(m.id, at(mPath, 'id'));
    const role = string(m.role, at(mPath, 'role'));
    const content = string(m.content, at(mPath, 'content'));
    const model = optionalString(m.model, at(mPath, 'model'));
    const branch = id(m.branch_id, at(mPath, 'branch_id'));
    const parent = optionalString(m.parent_id, at(mPath, 'parent_id'));
    nodes.set(key, {
      parent,
      children: [],
      branch,
      content:
        role === 'system'
          ? 'system'
          : role !== 'user' && role !== 'assistant'
            ? 'unknown_role'
            : content.trim() === ''
              ? 'empty'
              : { role, content, model, createdAt: isoOrNull(m.created_at), branchName: branchNames.get(branch) },
    });
    if (branch === activeBranch) current = key;
    if (role === 'assistant' && model) lastModel = model;
  });
  for (const [key, node] of nodes) {
    const parent = node.parent === null ? undefined : nodes.get(node.parent);
    // The child on its parent's own branch continues it; the others fork.
    if (!parent) continue;
    if (parent.branch === node.branch) parent.children.unshift(key);
    else parent.children.push(key);
  }
  const skipped: ImportedConversation['skipped'] = {};
  const { messages, currentKey } = flattenSourceTree(nodes, current, skipped);
  return {
    format: 'gateway',
    sourceId,
    title: optionalString(conversation.title, at(at(path, 'conversation'), 'title')),
    model: optionalString(conversation.model, at(at(path, 'conversation'), 'model')) ?? lastModel,
    createdAt: isoOrNull(conversation.created_at),
    updatedAt: isoOrNull(conversation.updated_at),
    messages,
    currentKey,
    skipped,
  };
}
