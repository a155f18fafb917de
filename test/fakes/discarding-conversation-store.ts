import { randomUUID } from 'node:crypto';
import type { Conversation } from '../../src/domain/conversation/conversation';
import { notFound } from '../../src/domain/errors/app-error';
import type { ConversationStore } from '../../src/ports/conversation-store.port';

/**
 * A ConversationStore that answers every write and keeps nothing: what a memory measurement of the
 * import needs (a real store's rows would grow the heap by design). It counts what it was given.
 */
export function discardingConversationStore(): ConversationStore & {
  written: { conversations: number; messages: number; branches: number };
} {
  const written = { conversations: 0, messages: 0, branches: 0 };
  const missing = async (): Promise<never> => {
    throw notFound('Conversation');
  };
  const conversation = (title: string | null, model: string): Conversation => {
    const now = new Date().toISOString();
    return { id: randomUUID(), title, model, active_branch_id: randomUUID(), created_at: now, updated_at: now };
  };
  return {
    written,
    async createConversation(_user, input) {
      written.conversations += 1;
      return conversation(input.title ?? null, input.model);
    },
    async addUserMessage(_user, input) {
      written.messages += 1;
      return {
        message_id: randomUUID(),
        conversation_id: input.conversation_id!,
        branch_id: 'b',
        parent_id: input.parent_id ?? null,
        is_new_conversation: false,
      };
    },
    async saveAssistantMessage() {
      written.messages += 1;
      return { message_id: randomUUID(), tokens_count: null };
    },
    async createBranch(_user, conversationId, input) {
      written.branches += 1;
      return {
        id: randomUUID(),
        conversation_id: conversationId,
        parent_message_id: input.from_message_id,
        name: input.name ?? 'Branch',
        created_at: new Date().toISOString(),
      };
    },
    async activateBranch() {},
    async updateConversation(_user, _id, input) {
      return { ...conversation(input.title ?? null, input.model ?? 'm'), settings: input.settings ?? null };
    },
    getConversation: missing,
    listConversations: missing,
    getConversationFull: missing,
    listBranches: missing,
    getMessage: missing,
    editMessage: missing,
    regenerateFork: missing,
    buildContext: missing,
  };
}
