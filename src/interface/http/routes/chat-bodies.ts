import type { Static } from 'typebox';
import type { CompletedTurn, GenerationParams } from '../../../application/chat/chat-turn';
import type { RegenerateCommand } from '../../../application/chat/regenerate-message.use-case';
import type { SendChatCommand } from '../../../application/chat/send-chat-message.use-case';
import type { ChatMessage } from '../../../domain/chat/chat';
import { AppError } from '../../../domain/errors/app-error';
import type { ChatCompletionBody, MessageRegenerateBody, OpenAiMessage, RegenerateBody } from '../schemas/chat.schemas';

/** The chat bodies as commands of the use cases, and completed turns as the answers clients expect. */

export type ChatBody = Static<typeof ChatCompletionBody>;

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_ERROR', 'The request is invalid', { details: { fields: [{ path, message, location: 'body' }] } });
}

function textOf(content: Static<typeof OpenAiMessage>['content']): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('\n');
}

/** Both accepted bodies as one command; the OpenAI form's last user message is the new message. */
export function toSendCommand(body: ChatBody): SendChatCommand {
  if ((body.message === undefined) === (body.messages === undefined)) {
    throw invalid('message', 'send exactly one of `message` (the new message) or `messages` (OpenAI form)');
  }
  let message = body.message;
  let clientContext: ChatMessage[] | undefined;
  if (body.messages) {
    const last = body.messages[body.messages.length - 1];
    if (!last || last.role !== 'user')
      throw invalid(`messages.${body.messages.length - 1}.role`, 'the last message must be the new user message');
    message = textOf(last.content);
    clientContext = body.messages
      .slice(0, -1)
      .map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: textOf(m.content) }));
  }
  if (!message || message.trim().length === 0)
    throw invalid(body.messages ? `messages.${body.messages.length - 1}.content` : 'message', 'must not be empty');
  return {
    message,
    ...(body.conversation_id ? { conversation_id: body.conversation_id } : {}),
    ...(body.parent_message_id ? { parent_message_id: body.parent_message_id } : {}),
    ...(body.model ? { model: body.model } : {}),
    ...(clientContext && clientContext.length > 0 ? { client_context: clientContext } : {}),
    params: generationParams(body),
  };
}

export function generationParams(body: {
  temperature?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
}): GenerationParams {
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  return {
    ...(body.temperature !== undefined && body.temperature !== null ? { temperature: body.temperature } : {}),
    ...(maxTokens !== undefined && maxTokens !== null ? { max_tokens: maxTokens } : {}),
  };
}

/** `POST /v1/chat/regenerate`: the previous gateway's call, naming the conversation too. */
export function toRegenerateCommand(body: Static<typeof RegenerateBody>): RegenerateCommand {
  return {
    message_id: body.message_id,
    conversation_id: body.conversation_id,
    ...(body.model ? { model: body.model } : {}),
    params: generationParams(body),
  };
}

/** `POST /v1/messages/{id}/regenerate`. */
export function toMessageRegenerateCommand(messageId: string, body: Static<typeof MessageRegenerateBody>): RegenerateCommand {
  return {
    message_id: messageId,
    ...(body.model ? { model: body.model } : {}),
    ...(body.branch_name ? { branch_name: body.branch_name } : {}),
    params: generationParams(body),
  };
}

export function placementHeaders(turn: CompletedTurn): Record<string, string> {
  return { 'X-Conversation-Id': turn.placement.conversation_id, 'X-Branch-Id': turn.placement.branch_id };
}

/** The OpenAI `chat.completion` object of a non-streamed turn, plus where the turn is stored. */
export function chatCompletionObject(turn: CompletedTurn, id: string, created: number): unknown {
  return {
    id,
    object: 'chat.completion',
    created,
    model: turn.placement.model,
    choices: [{ index: 0, message: { role: 'assistant', content: turn.content }, finish_reason: turn.finish_reason }],
    usage: turn.usage,
    conversation: {
      conversation_id: turn.placement.conversation_id,
      branch_id: turn.placement.branch_id,
      user_message_id: turn.placement.user_message_id,
      assistant_message_id: turn.assistant_message_id,
    },
  };
}
