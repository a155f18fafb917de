import { inject, injectable } from 'tsyringe';
import type { Conversation } from '../../domain/conversation/conversation';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';

@injectable()
export class GetConversation {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  execute(user: UserContext, conversationId: string): Promise<Conversation> {
    return this.store.getConversation(user, conversationId);
  }
}
