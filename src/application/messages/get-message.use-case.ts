import { inject, injectable } from 'tsyringe';
import type { Message } from '../../domain/conversation/conversation';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';

@injectable()
export class GetMessage {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  execute(user: UserContext, messageId: string): Promise<Message> {
    return this.store.getMessage(user, messageId);
  }
}
