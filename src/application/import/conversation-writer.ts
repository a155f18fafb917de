import type { ImportedConversation } from '../../domain/import/imported-conversation';
import type { UserContext } from '../../domain/user/user-context';
import type { ConversationStore } from '../../ports/conversation-store.port';

export interface WrittenConversation {
  conversation_id: string;
  branches: number;
  messages: number;
}

/**
 * Writes an imported tree through the ConversationStore port only, so it works on every store:
 * depth first, a message's first child continues its branch and each further child forks a new
 * branch at it (`createBranch`), a user message is added on the active branch (activated first),
 * a reply is saved on its branch. The branch holding the current message is activated last.
 * Source times go into the conversation's settings (`settings.import`): the port has no way to
 * set a row's own timestamps.
 *
 * `onCreated` learns the conversation id as soon as it exists, so a failure later can remove it.
 */
export async function writeImportedConversation(
  store: ConversationStore,
  user: UserContext,
  source: ImportedConversation,
  defaultModel: string,
  onCreated: (conversationId: string) => void,
): Promise<WrittenConversation> {
  const model = source.model ?? defaultModel;
  const conversation = await store.createConversation(user, { title: source.title ?? undefined, model });
  const conversationId = conversation.id;
  onCreated(conversationId);
  let active = conversation.active_branch_id;
  const activate = async (branchId: string): Promise<void> => {
    if (branchId === active) return;
    await store.activateBranch(user, conversationId, branchId);
    active = branchId;
  };
  const landed = new Map<string, { id: string; branch: string }>();
  const continued = new Set<string>();
  let branches = 1;
  for (const m of source.messages) {
    const parent = m.parentKey === null ? undefined : landed.get(m.parentKey);
    let branch = parent?.branch ?? active!;
    if (parent && continued.has(m.parentKey!)) {
      branch = (await store.createBranch(user, conversationId, { from_message_id: parent.id, name: m.branchName })).id;
      branches += 1;
    } else if (m.parentKey !== null) continued.add(m.parentKey);
    if (m.role === 'user') {
      await activate(branch);
      const added = await store.addUserMessage(user, {
        conversation_id: conversationId,
        parent_id: parent?.id,
        content: m.content,
        ...(m.model ? { model: m.model } : {}),
      });
      active = added.branch_id;
      landed.set(m.key, { id: added.message_id, branch: added.branch_id });
    } else {
      const saved = await store.saveAssistantMessage(user, {
        conversation_id: conversationId,
        branch_id: branch,
        parent_id: parent!.id,
        content: m.content,
        model: m.model ?? model,
      });
      landed.set(m.key, { id: saved.message_id, branch });
    }
  }
  const current = source.currentKey === null ? undefined : landed.get(source.currentKey);
  if (current) await activate(current.branch);
  else if (source.messages.length > 0) await activate(landed.get(source.messages[0]!.key)!.branch);
  await store.updateConversation(user, conversationId, {
    settings: {
      ...(conversation.settings ?? {}),
      import: { format: source.format, source_created_at: source.createdAt, source_updated_at: source.updatedAt },
    },
  });
  return { conversation_id: conversationId, branches, messages: source.messages.length };
}
