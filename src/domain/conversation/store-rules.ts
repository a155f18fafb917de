import { AppError } from '../errors/app-error';
import { AUTO_TITLE_LENGTH, type MessageRole } from './conversation';

/** The rules every ConversationStore applies the same way (the contract suite checks them). */

export function requirePositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new AppError('VALIDATION_ERROR', `${field} must be a positive integer`, {
      details: { fields: [{ path: field, message: 'must be a positive integer' }] },
    });
  }
}

export function notAUserMessage(role: MessageRole): AppError {
  return new AppError('VALIDATION_ERROR', `Only user messages can be edited; this one has role ${role}`, {
    details: { fields: [{ path: 'message_id', message: `is a ${role} message, not a user message` }] },
  });
}

export function notAnAssistantReply(role: MessageRole): AppError {
  return new AppError('VALIDATION_ERROR', `Only assistant replies can be regenerated; this message has role ${role}`, {
    details: { fields: [{ path: 'message_id', message: `is a ${role} message, not an assistant reply` }] },
  });
}

export function parentNeedsConversation(): AppError {
  return new AppError('VALIDATION_ERROR', 'parent_id needs a conversation_id', {
    details: { fields: [{ path: 'parent_id', message: 'is only allowed with conversation_id' }] },
  });
}

/** The title the first reply gives an untitled conversation: its first 50 characters, trimmed; null when blank. */
export function autoTitle(reply: string): string | null {
  const title = reply.slice(0, AUTO_TITLE_LENGTH).trim();
  return title === '' ? null : title;
}
