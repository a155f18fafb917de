import type { Static } from 'typebox';
import type { CompletedTurn, GenerationParams, StreamingTurn } from '../../../application/chat/chat-turn';
import type { DisconnectPolicy } from '../../../application/streams/stream-options';
import { TurnRecorder } from '../../../application/streams/turn-recorder';
import { CONFIG, type Config } from '../../../config/config';
import { RegenerateMessage, type RegenerateCommand } from '../../../application/chat/regenerate-message.use-case';
import { SendChatMessage, type SendChatCommand } from '../../../application/chat/send-chat-message.use-case';
import { GetMessage } from '../../../application/messages/get-message.use-case';
import type { ChatMessage } from '../../../domain/chat/chat';
import { AppError } from '../../../domain/errors/app-error';
import type { ErrorCode } from '../../../domain/errors/error-codes';
import { CLOCK, type Clock } from '../../../ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../../ports/id-generator.port';
import { LOGGER, type Logger } from '../../../ports/logger.port';
import { METRICS, type Metrics } from '../../../ports/metrics.port';
import { STREAM_SLOTS, type StreamSlots } from '../../../ports/rate-limit-store.port';
import { HANDLED, ok, raw, userOf, type RouteInput, type RouteReply, type RouteSpec } from '../routing/route-spec';
import {
  ChatCompletionBody,
  ChatCompletionSchema,
  ChatEventStreamSchema,
  MessageRegenerateBody,
  OpenAiMessage,
  RegenerateBody,
  RegenerateResultSchema,
} from '../schemas/chat.schemas';
import { IdParams } from '../schemas/conversation.schemas';
import { EX, exampleAssistantMessage } from '../schemas/examples';
import { relayTurn } from '../sse/relay-turn';

type ChatBody = Static<typeof ChatCompletionBody>;

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

function generationParams(body: {
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

function completionId(input: RouteInput): string {
  return `chatcmpl-${input.container.resolve<IdGenerator>(ID_GENERATOR).uuid().replace(/-/g, '')}`;
}

function nowSeconds(input: RouteInput): number {
  return Math.floor(input.container.resolve<Clock>(CLOCK).nowMs() / 1000);
}

function placementHeaders(turn: CompletedTurn): Record<string, string> {
  return { 'X-Conversation-Id': turn.placement.conversation_id, 'X-Branch-Id': turn.placement.branch_id };
}

function chatCompletionObject(turn: CompletedTurn, id: string, created: number): unknown {
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

/**
 * Holds one of the user's stream slots for the whole turn (taken before anything is stored), so one
 * user cannot open streams without bound. The turn is recorded (stream id, stream log) and runs on
 * its own signal: the disconnect policy decides whether the client leaving stops it.
 */
async function withStreamSlot(
  input: RouteInput,
  open: (signal: AbortSignal) => Promise<StreamingTurn>,
  defaultPolicy: DisconnectPolicy,
): Promise<RouteReply> {
  const config = input.container.resolve<Config>(CONFIG);
  const release = await input.container.resolve<StreamSlots>(STREAM_SLOTS).acquire(userOf(input).userId, config.maxStreamsPerUser);
  if (!release) {
    throw new AppError('RATE_LIMITED', `At most ${config.maxStreamsPerUser} streams may be open at once`, {
      retryAfterSeconds: 5,
      details: { reason: 'too_many_streams', max_streams: config.maxStreamsPerUser },
    });
  }
  try {
    const completion = completionId(input);
    const created = nowSeconds(input);
    const turn = await input.container.resolve(TurnRecorder).start(userOf(input), open, {
      policy: config.disconnectPolicy ?? defaultPolicy,
      clientSignal: input.signal,
      completionId: completion,
      createdSeconds: created,
    });
    await relayTurn(input.koa, turn, {
      pingMs: config.ssePingIntervalMs,
      completionId: completion,
      createdSeconds: created,
      logger: input.container.resolve<Logger>(LOGGER),
      metrics: input.container.resolve<Metrics>(METRICS),
      clock: input.container.resolve<Clock>(CLOCK),
    });
    return HANDLED;
  } finally {
    await release();
  }
}

/** Non-streaming regenerate answers the new branch and the stored reply in the envelope. */
async function regenerated(input: RouteInput, turn: CompletedTurn): Promise<RouteReply> {
  const message = await input.container.resolve(GetMessage).execute(userOf(input), turn.assistant_message_id);
  return ok(
    { conversation_id: turn.placement.conversation_id, branch_id: turn.placement.branch_id, message, usage: turn.usage },
    200,
    placementHeaders(turn),
  );
}

async function regenerate(input: RouteInput, cmd: RegenerateCommand, stream: boolean): Promise<RouteReply> {
  const useCase = input.container.resolve(RegenerateMessage);
  if (stream) return withStreamSlot(input, (signal) => useCase.stream(userOf(input), cmd, signal), 'continue');
  return regenerated(input, await useCase.complete(userOf(input), cmd, input.signal));
}

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

export function chatRoutes(): RouteSpec[] {
  return [
    {
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
      async handler(input) {
        const body = input.body as ChatBody;
        const cmd = toSendCommand(body);
        const useCase = input.container.resolve(SendChatMessage);
        if (body.stream ?? true) {
          // SDK clients (the OpenAI form) do not resume: their disconnect stops the turn at once.
          const policy = body.messages ? 'abort' : 'continue';
          return withStreamSlot(input, (signal) => useCase.stream(userOf(input), cmd, signal), policy);
        }
        const turn = await useCase.complete(userOf(input), cmd, input.signal);
        return raw(chatCompletionObject(turn, completionId(input), nowSeconds(input)), 200, placementHeaders(turn));
      },
    },
    {
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
      async handler(input) {
        const body = input.body as Static<typeof RegenerateBody>;
        const cmd: RegenerateCommand = {
          message_id: body.message_id,
          conversation_id: body.conversation_id,
          ...(body.model ? { model: body.model } : {}),
          params: generationParams(body),
        };
        return regenerate(input, cmd, body.stream ?? false);
      },
    },
    {
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
      async handler(input) {
        const body = input.body as Static<typeof MessageRegenerateBody>;
        const cmd: RegenerateCommand = {
          message_id: input.params.id,
          ...(body.model ? { model: body.model } : {}),
          ...(body.branch_name ? { branch_name: body.branch_name } : {}),
          params: generationParams(body),
        };
        return regenerate(input, cmd, body.stream ?? false);
      },
    },
  ];
}
