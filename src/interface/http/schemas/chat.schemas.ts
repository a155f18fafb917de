import { Type } from 'typebox';
import { ERROR_CODES } from '../../../domain/errors/error-codes';
import { MAX_BYTES_KEYWORD, UNSUPPORTED_KEYWORD } from '../../../support/json-schema';
import { Uuid } from './common.schemas';
import { MESSAGE_CONTENT_MAX, MessageSchema, ModelId } from './conversation.schemas';

export const MAX_CLIENT_MESSAGES = 500;

const Temperature = Type.Number({ minimum: 0, maximum: 2, description: 'Sampling temperature, 0 to 2.' });
const MaxTokens = Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Upper bound of generated tokens.' });

const TextPart = Type.Object(
  { type: Type.Literal('text'), text: Type.String({ maxLength: MESSAGE_CONTENT_MAX }) },
  { additionalProperties: false },
);

export const OpenAiMessage = Type.Object(
  {
    role: Type.Enum(['system', 'user', 'assistant', 'developer']),
    content: Type.Union([Type.String({ maxLength: MESSAGE_CONTENT_MAX }), Type.Array(TextPart, { maxItems: 100 })], {
      description: 'Text, or text parts (`[{type:"text", text}]`); other part types are not supported.',
    }),
    name: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const JSON_SCHEMA_MAX_BYTES = 16 * 1024;

/** OpenAI `response_format`: plain text, any JSON object, or JSON following a schema. Passed to the model. */
const ResponseFormat = Type.Union(
  [
    Type.Object({ type: Type.Literal('text') }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('json_object') }, { additionalProperties: false }),
    Type.Object(
      {
        type: Type.Literal('json_schema'),
        json_schema: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
            description: Type.Optional(Type.String({ maxLength: 1000 })),
            schema: Type.Optional(
              Type.Record(Type.String({ maxLength: 200 }), Type.Unknown(), {
                maxProperties: 100,
                propertyNames: { maxLength: 200 },
                [MAX_BYTES_KEYWORD]: JSON_SCHEMA_MAX_BYTES,
                description: `A JSON Schema, at most ${JSON_SCHEMA_MAX_BYTES / 1024} KB as JSON.`,
              }),
            ),
            strict: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'OpenAI `response_format`, passed to the model: `text`, `json_object` or `json_schema`.' },
);

/**
 * An OpenAI field the gateway cannot honour: any value but `harmless` ones (which ask for nothing)
 * is a 422 naming the field with this reason.
 */
function unsupported(reason: string, harmless: unknown[] = [null]): ReturnType<typeof Type.Unknown> {
  return Type.Unknown({
    [UNSUPPORTED_KEYWORD]: { reason, except: harmless },
    [MAX_BYTES_KEYWORD]: JSON_SCHEMA_MAX_BYTES,
    description: `Not supported: ${reason}`,
  });
}

const TOOLS_REASON = 'the gateway stores and streams text replies; tool and function calls are not relayed';
const AUDIO_REASON = 'the gateway stores and streams text replies; audio is not produced';
const LOGPROBS_REASON = 'log probabilities are not relayed';

/**
 * Both bodies the endpoint accepts, as one schema: the previous gateway's (`message`) and the
 * OpenAI one (`messages`). Exactly one of the two is required (checked by the handler, which
 * names the field). OpenAI fields the gateway does not use are accepted and ignored so that an
 * unmodified SDK works.
 */
export const ChatCompletionBody = Type.Object(
  {
    message: Type.Optional(
      Type.String({ minLength: 1, maxLength: MESSAGE_CONTENT_MAX, description: 'The new user message (previous gateway form).' }),
    ),
    messages: Type.Optional(
      Type.Array(OpenAiMessage, {
        minItems: 1,
        maxItems: MAX_CLIENT_MESSAGES,
        description: 'OpenAI form: the last `user` message is the new message; earlier ones are context for a new conversation.',
      }),
    ),
    conversation_id: Type.Optional(
      Type.Union([Uuid, Type.Null()], { description: 'Continue this conversation; absent or null starts one.' }),
    ),
    parent_message_id: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description: 'Answer from this message (forks a branch) instead of the end of the active branch.',
      }),
    ),
    model: Type.Optional(ModelId),
    temperature: Type.Optional(Type.Union([Temperature, Type.Null()])),
    max_tokens: Type.Optional(Type.Union([MaxTokens, Type.Null()])),
    max_completion_tokens: Type.Optional(Type.Union([MaxTokens, Type.Null()])),
    stream: Type.Optional(
      Type.Union([Type.Boolean(), Type.Null()], {
        description:
          'Stream as SSE. Absent or null: true with `message` (the previous gateway streamed by default), false with `messages` (as OpenAI: one `chat.completion` object).',
      }),
    ),
    stream_options: Type.Optional(
      Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), Type.Null()]),
    ),
    user: Type.Optional(
      Type.String({
        maxLength: 256,
        description:
          "Accepted for OpenAI compatibility; the model proxy is always told the authenticated user's id, which its spend tracking uses.",
      }),
    ),
    n: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
        [UNSUPPORTED_KEYWORD]: { reason: 'one reply per turn is stored, so n must be 1', except: [1, null] },
        description: 'Only 1: one reply per turn is stored.',
      }),
    ),
    top_p: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
    presence_penalty: Type.Optional(Type.Union([Type.Number({ minimum: -2, maximum: 2 }), Type.Null()])),
    frequency_penalty: Type.Optional(Type.Union([Type.Number({ minimum: -2, maximum: 2 }), Type.Null()])),
    seed: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    stop: Type.Optional(
      Type.Union([Type.String({ maxLength: 100 }), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 4 }), Type.Null()]),
    ),
    response_format: Type.Optional(Type.Union([ResponseFormat, Type.Null()])),
    tools: Type.Optional(unsupported(TOOLS_REASON)),
    tool_choice: Type.Optional(unsupported(TOOLS_REASON)),
    parallel_tool_calls: Type.Optional(
      Type.Union([Type.Boolean(), Type.Null()], { description: 'Accepted; means nothing without tools.' }),
    ),
    functions: Type.Optional(unsupported(TOOLS_REASON)),
    function_call: Type.Optional(unsupported(TOOLS_REASON)),
    audio: Type.Optional(unsupported(AUDIO_REASON)),
    modalities: Type.Optional(unsupported(AUDIO_REASON)),
    logprobs: Type.Optional(unsupported(LOGPROBS_REASON, [null, false])),
    top_logprobs: Type.Optional(unsupported(LOGPROBS_REASON)),
  },
  { additionalProperties: false },
);

export const ConversationRef = Type.Object(
  {
    conversation_id: Uuid,
    branch_id: Uuid,
    user_message_id: Uuid,
    assistant_message_id: Type.Optional(Uuid),
  },
  { 'x-component': 'ChatConversationRef', description: 'Where the turn is stored.' },
);

const Usage = Type.Union([
  Type.Object({ prompt_tokens: Type.Integer(), completion_tokens: Type.Integer(), total_tokens: Type.Integer() }),
  Type.Null(),
]);

export const ChatCompletionSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('chat.completion'),
    created: Type.Integer(),
    model: Type.String(),
    choices: Type.Array(
      Type.Object({
        index: Type.Integer(),
        message: Type.Object({ role: Type.Literal('assistant'), content: Type.String() }),
        finish_reason: Type.String(),
      }),
    ),
    usage: Usage,
    conversation: ConversationRef,
  },
  { 'x-component': 'ChatCompletion' },
);

export const RegenerateBody = Type.Object(
  {
    conversation_id: Uuid,
    message_id: Uuid,
    model: Type.Optional(ModelId),
    temperature: Type.Optional(Temperature),
    max_tokens: Type.Optional(MaxTokens),
    stream: Type.Optional(Type.Boolean({ description: 'Stream as SSE like a chat completion. Default false.' })),
  },
  { additionalProperties: false },
);

export const MessageRegenerateBody = Type.Object(
  {
    model: Type.Optional(ModelId),
    temperature: Type.Optional(Temperature),
    max_tokens: Type.Optional(MaxTokens),
    stream: Type.Optional(Type.Boolean({ description: 'Stream as SSE like a chat completion. Default false.' })),
    branch_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const RegenerateResultSchema = Type.Object(
  {
    conversation_id: Uuid,
    branch_id: Uuid,
    message: MessageSchema,
    usage: Usage,
  },
  { 'x-component': 'RegenerateResult', description: 'The new branch and the reply stored on it.' },
);

/** One `data:` payload of a chat stream (OpenAI `chat.completion.chunk` plus where the turn is stored). */
export const ChatCompletionChunkSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('chat.completion.chunk'),
    created: Type.Integer(),
    model: Type.String(),
    choices: Type.Array(
      Type.Object({
        index: Type.Integer(),
        delta: Type.Object({
          role: Type.Optional(Type.Literal('assistant')),
          content: Type.Optional(Type.String({ description: 'The next piece of the reply.' })),
        }),
        finish_reason: Type.Union([Type.String(), Type.Null()], { description: 'Set on the final chunk only (`stop`, `length`, ...).' }),
      }),
    ),
    usage: Type.Optional(Usage),
    conversation: Type.Optional(ConversationRef),
    stream_id: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'On the first chunk: the id of the turn, to resume it (`GET /v1/chat/streams/{stream_id}`) or stop it.',
      }),
    ),
    stopped: Type.Optional(
      Type.Object(
        { reason: Type.Enum(['user', 'orphaned', 'disconnected']) },
        {
          description:
            'On the final chunk of a turn stopped before the model finished (`finish_reason` is then `stop`): `user` (a stop request), `orphaned` (nobody listened for `STREAM_ORPHAN_SECONDS`), `disconnected` (the client left under the `abort` policy). The text so far is saved, marked interrupted.',
        },
      ),
    ),
  },
  {
    'x-component': 'ChatCompletionChunk',
    description:
      'Every event carries an SSE `id:` (its place in the turn, for `Last-Event-ID`). The first chunk carries `delta.role`, `conversation` (without `assistant_message_id`) and `stream_id`; the final one `finish_reason`, `usage` and `conversation` with `assistant_message_id`.',
  },
);

/** A failure after the stream started: the last event before `data: [DONE]`. */
export const ChatStreamErrorSchema = Type.Object(
  {
    error: Type.Object({
      message: Type.String(),
      code: Type.Enum([...ERROR_CODES], {
        description:
          'The error code, e.g. `UPSTREAM_ERROR`, `UPSTREAM_TIMEOUT`, `SERVICE_SHUTTING_DOWN`, `STREAM_INTERRUPTED` (the replica producing the reply died; the text so far is saved).',
      }),
      type: Type.Literal('gateway_error'),
      request_id: Type.String(),
    }),
  },
  { 'x-component': 'ChatStreamError' },
);

/**
 * The body of a chat stream as text. OpenAPI 3.1 cannot type the events of a stream, so the schema of
 * each `data:` payload is attached under `x-sse-data` (the literal `[DONE]` ends the stream).
 */
export const ChatEventStreamSchema = Type.String({
  description:
    'Server-Sent Events: `data: <ChatCompletionChunk JSON>` events, comment lines `: ping` while the model is silent, ' +
    'at most one `data: <ChatStreamError JSON>` after a failure, and always `data: [DONE]` last.',
  'x-sse-data': Type.Union([ChatCompletionChunkSchema, ChatStreamErrorSchema, Type.Literal('[DONE]')]),
});
