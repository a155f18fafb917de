import { inject, injectable } from 'tsyringe';
import type { Message } from '../../domain/conversation/conversation';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';

/**
 * Edits the content of a user message. The role is checked first so the client gets a clear
 * answer for an assistant message instead of whatever the upstream says.
 */
@injectable()
export class EditMessage {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  async execute(user: UserContext, messageId: string, content: string): Promise<Message> {
    const message = await this.store.getMessage(user, messageId);
    if (message.role !== 'user') {
      throw new AppError('VALIDATION_ERROR', `Only user messages can be edited; this one is an ${message.role} message`, {
        details: { fields: [{ path: 'id', message: `is a ${message.role} message`, location: 'path' }], role: message.role },
      });
    }
    return this.store.editMessage(user, messageId, content);
  }
}
