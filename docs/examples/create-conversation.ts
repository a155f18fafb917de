// POST /v1/conversations: an empty conversation, e.g. for a "New chat" button before the first message.
import type { Conversation } from '../../clients/typescript';
import type { Gateway } from './gateway-api';

/**
 * A new conversation with its `Main` branch. Without `model` the deployment's default is used;
 * without `title` the start of the first reply becomes the title. Send the first message with
 * `conversation_id: conversation.id`.
 */
export async function createConversation(gateway: Gateway, input: { title?: string; model?: string } = {}): Promise<Conversation> {
  return gateway.call<Conversation>('POST', '/v1/conversations', input);
}
