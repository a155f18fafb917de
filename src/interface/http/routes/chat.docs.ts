import type { ErrorCode } from '../../../domain/errors/error-codes';
import type { RouteDoc, RouteSpec } from '../routing/route-spec';
import {
  ChatCompletionBody,
  ChatCompletionSchema,
  ChatEventStreamSchema,
  MessageRegenerateBody,
  RegenerateBody,
  RegenerateResultSchema,
} from '../schemas/chat.schemas';
import { IdParams } from '../schemas/conversation.schemas';
import { EX, exampleAssistantMessage } from '../schemas/examples';

/** The chat operations as documented in the OpenAPI document: prose, examples, answers, errors. */

const CHAT_ERRORS: ErrorCode[] = [
  'INSUFFICIENT_BALANCE',
  'ACCOUNT_NOT_PROVISIONED',
  'NOT_FOUND',
  'MODEL_NOT_ALLOWED',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_CONTRACT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
];

const SSE_EXAMPLE = [
  `data: {"id":"chatcmpl-9f2c","object":"chat.completion.chunk","created":1768469400,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Day"},"finish_reason":null}],"conversation":{"conversation_id":"${EX.conversationId}","branch_id":"${EX.mainBranchId}","user_message_id":"${EX.userMessageId}"}}`,
  '',
  'data: {"id":"chatcmpl-9f2c","object":"chat.completion.chunk","created":1768469400,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":" 1:"},"finish_reason":null}]}',
  '',
  ': ping',
  '',
  `data: {"id":"chatcmpl-9f2c","object":"chat.completion.chunk","created":1768469400,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":412,"total_tokens":433},"conversation":{"conversation_id":"${EX.conversationId}","branch_id":"${EX.mainBranchId}","user_message_id":"${EX.userMessageId}","assistant_message_id":"${EX.assistantMessageId}"}}`,
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const SSE_ERROR_EXAMPLE = [
  `data: {"id":"chatcmpl-9f2c","object":"chat.completion.chunk","created":1768469400,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Day"},"finish_reason":null}],"conversation":{"conversation_id":"${EX.conversationId}","branch_id":"${EX.altBranchId}","user_message_id":"${EX.userMessageId}"}}`,
  '',
  'data: {"error":{"message":"The model provider failed mid-stream","code":"UPSTREAM_ERROR","type":"gateway_error","request_id":"a1b2c3d4-0000-4000-8000-000000000000"}}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const STREAM_DESCRIPTION =
  '`text/event-stream`. Each event is `data: <chat.completion.chunk JSON>` with the text in `choices[0].delta.content`, written as the model produces it. ' +
  'The first chunk carries `delta.role` and a `conversation` object `{conversation_id, branch_id, user_message_id}`; the final chunk before `data: [DONE]` carries ' +
  '`finish_reason`, `usage` and `conversation.assistant_message_id` (the reply is saved before it is sent). Comment lines `: ping` keep idle proxies open during long silences. ' +
  'A failure after the stream started is `data: {"error":{"message","code","type","request_id"}}` followed by `data: [DONE]` (example `error`). ' +
  'Headers `X-Conversation-Id` and `X-Branch-Id` are sent with the first event. A failure before the first event is a plain HTTP error in the envelope.';

const STREAM_HEADERS = {
  'X-Conversation-Id': {
    description: 'The conversation of the turn (new or continued).',
    schema: { type: 'string', format: 'uuid' } as never,
  },
  'X-Branch-Id': { description: 'The branch the reply is stored on.', schema: { type: 'string', format: 'uuid' } as never },
};

/** Both regenerate operations answer alike: the envelope, or a stream when asked. */
function regenerateResponses(sseExample: string): RouteSpec['responses'] {
  return {
    200: {
      description:
        'The new branch and reply in the envelope (`stream` false or absent), or an SSE stream like a chat completion (`stream: true`).',
      schema: RegenerateResultSchema,
      example: {
        conversation_id: EX.conversationId,
        branch_id: EX.altBranchId,
        message: {
          ...exampleAssistantMessage,
          id: EX.altAssistantMessageId,
          branch_id: EX.altBranchId,
          content: 'Day 1: Sololaki and the sulphur baths...',
        },
        usage: { prompt_tokens: 21, completion_tokens: 388, total_tokens: 409 },
      },
      headers: STREAM_HEADERS,
      alternatives: [{ contentType: 'text/event-stream', schema: ChatEventStreamSchema, example: sseExample }],
    },
  };
}

export const SEND_CHAT_MESSAGE: RouteDoc = {
  method: 'post',
  path: '/v1/chat/completions',
  operationId: 'createChatCompletion',
  rateLimit: 'chat',
  tags: ['Chat'],
  summary: 'Send a message and get the reply (streamed by default)',
  description:
    'Stores the user message (creating the conversation when `conversation_id` is absent), builds the context from the conversation, ' +
    "calls the model with the user's own LiteLLM key and streams the reply as Server-Sent Events, then saves it.\n\n" +
    "Accepts the previous gateway's body (`message`, ...) and the OpenAI body (`model`, `messages`, ...): an unmodified OpenAI SDK pointed at `<gateway>/v1` " +
    "with the user's access token as API key works; pass `conversation_id` through the SDK's extra body to continue a conversation. " +
    'In the OpenAI form the last message must be the new `user` message; earlier messages are context for a new conversation only (an existing ' +
    "conversation's history comes from the store; system messages are always used). Nothing but the new message is stored.\n\n" +
    '`stream: false` answers one OpenAI `chat.completion` object plus the `conversation` object (not wrapped in the envelope). ' +
    'A balance at or below zero is `402 INSUFFICIENT_BALANCE` before any model call.\n\n' +
    STREAM_DESCRIPTION,
  body: ChatCompletionBody,
  bodyExample: {
    conversation_id: EX.conversationId,
    message: 'Plan a three-day trip to Tbilisi.',
    model: 'gpt-4o',
    temperature: 0.7,
    stream: true,
  },
  responses: {
    200: {
      description: 'The reply: an SSE stream (`stream` true or absent) or one `chat.completion` object (`stream: false`).',
      contentType: 'text/event-stream',
      schema: ChatEventStreamSchema,
      example: SSE_EXAMPLE,
      headers: STREAM_HEADERS,
      alternatives: [
        {
          contentType: 'application/json',
          envelope: false,
          schema: ChatCompletionSchema,
          example: {
            id: 'chatcmpl-9f2c',
            object: 'chat.completion',
            created: 1768469400,
            model: 'gpt-4o',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: 'Day 1: the Old Town and Narikala fortress...' },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 21, completion_tokens: 412, total_tokens: 433 },
            conversation: {
              conversation_id: EX.conversationId,
              branch_id: EX.mainBranchId,
              user_message_id: EX.userMessageId,
              assistant_message_id: EX.assistantMessageId,
            },
          },
        },
      ],
    },
  },
  errors: CHAT_ERRORS,
};

export const REGENERATE_CHAT_REPLY: RouteDoc = {
  method: 'post',
  path: '/v1/chat/regenerate',
  operationId: 'regenerateChatReply',
  rateLimit: 'chat',
  tags: ['Chat'],
  summary: 'Regenerate a reply (previous gateway call)',
  description:
    "Creates a new branch forked at the reply's parent (user) message, makes it the active branch and produces a new reply on it; the old reply stays on its branch. " +
    'With `stream: true` the reply streams exactly like a chat completion; otherwise the new branch and the stored message are answered in the envelope. ' +
    '`message_id` must be an assistant message of `conversation_id`.\n\n' +
    STREAM_DESCRIPTION,
  body: RegenerateBody,
  bodyExample: { conversation_id: EX.conversationId, message_id: EX.assistantMessageId, model: 'gpt-4o', temperature: 0.9 },
  responses: regenerateResponses(SSE_ERROR_EXAMPLE),
  errors: CHAT_ERRORS,
};

export const REGENERATE_MESSAGE: RouteDoc = {
  method: 'post',
  path: '/v1/messages/{id}/regenerate',
  operationId: 'regenerateMessage',
  rateLimit: 'chat',
  tags: ['Messages'],
  summary: 'Regenerate an assistant reply',
  description:
    'Same as `POST /v1/chat/regenerate` for the assistant message `{id}`: a new branch from its parent message, made active, with a new reply. ' +
    'A user or system message is `422`. `stream: true` streams like a chat completion.',
  params: IdParams,
  body: MessageRegenerateBody,
  bodyExample: { model: 'gpt-4o', temperature: 0.9, stream: false },
  responses: regenerateResponses(SSE_EXAMPLE),
  errors: CHAT_ERRORS,
};
