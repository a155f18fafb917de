import { inject, injectable } from 'tsyringe';
import type { Conversation } from '../../domain/conversation/conversation';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore, type UpdateConversationInput } from '../../ports/conversation-store.port';

@injectable()
export class UpdateConversation {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  execute(user: UserContext, conversationId: string, input: UpdateConversationInput): Promise<Conversation> {
    const patch: UpdateConversationInput = { ...input };
    if (input.title !== undefined) {
      patch.title = input.title.trim();
      // The schema bounds the length; whitespace only is caught here, after trimming.
      if (patch.title.length === 0) {
        throw new AppError('VALIDATION_ERROR', 'The request is invalid', {
          details: { fields: [{ path: 'title', message: 'must not be empty', location: 'body' }] },
        });
      }
    }
    return this.store.updateConversation(user, conversationId, patch);
  }
}
