import { inject, injectable } from 'tsyringe';
import type { Conversation } from '../../domain/conversation/conversation';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';

/** Makes a branch the visible thread and answers the conversation as it now is. */
@injectable()
export class ActivateBranch {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  async execute(user: UserContext, conversationId: string, branchId: string): Promise<Conversation> {
    await this.store.activateBranch(user, conversationId, branchId);
    return this.store.getConversation(user, conversationId);
  }
}
