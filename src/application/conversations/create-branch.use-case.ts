import { inject, injectable } from 'tsyringe';
import type { Branch } from '../../domain/conversation/conversation';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';

@injectable()
export class CreateBranch {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  execute(user: UserContext, conversationId: string, input: { from_message_id: string; name?: string }): Promise<Branch> {
    const name = input.name?.trim();
    return this.store.createBranch(user, conversationId, { from_message_id: input.from_message_id, ...(name ? { name } : {}) });
  }
}
