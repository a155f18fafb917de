import { Type } from 'typebox';
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
    stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: 'Stream as SSE. Default true.' })),
    stream_options: Type.Optional(
      Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), Type.Null()]),
    ),
    user: Type.Optional(Type.String({ maxLength: 256 })),
    n: Type.Optional(Type.Union([Type.Literal(1), Type.Null()], { description: 'Only 1 is supported.' })),
    top_p: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
    presence_penalty: Type.Optional(Type.Union([Type.Number({ minimum: -2, maximum: 2 }), Type.Null()])),
    frequency_penalty: Type.Optional(Type.Union([Type.Number({ minimum: -2, maximum: 2 }), Type.Null()])),
    seed: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    stop: Type.Optional(
      Type.Union([Type.String({ maxLength: 100 }), Type.Array(Type.String({ maxLength: 100 }), { maxItems: 4 }), Type.Null()]),
    ),
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

export const RegenerateResultSchema = Type.Object({
  conversation_id: Uuid,
  branch_id: Uuid,
  message: MessageSchema,
  usage: Usage,
});
