import { Type } from 'typebox';
import { MAX_BYTES_KEYWORD } from '../../../support/json-schema';
import { PaginationSchema, Timestamp, Uuid } from './common.schemas';

export const TITLE_MAX = 200;
export const MODEL_ID_MAX = 200;
export const BRANCH_NAME_MAX = 100;
export const MESSAGE_CONTENT_MAX = 100_000;
export const SETTINGS_MAX_BYTES = 16 * 1024;

export const ModelId = Type.String({
  minLength: 1,
  maxLength: MODEL_ID_MAX,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$',
  description: 'A model id as the catalogue lists it, e.g. `gpt-4o` or `anthropic/claude-3-5-sonnet`.',
});

export const Title = Type.String({ minLength: 1, maxLength: TITLE_MAX, description: 'Trimmed; must not be blank.' });

// TypeBox turns a Record's key schema into `patternProperties: {'^.*$'}`: the key bound must be explicit.
export const Settings = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
  maxProperties: 50,
  propertyNames: { maxLength: 100 },
  [MAX_BYTES_KEYWORD]: SETTINGS_MAX_BYTES,
  description: `Free-form client settings of the conversation (e.g. temperature): at most 50 keys of up to 100 characters, ${SETTINGS_MAX_BYTES} bytes as JSON.`,
});

export const ConversationSchema = Type.Object(
  {
    id: Uuid,
    title: Type.Union([Type.String(), Type.Null()]),
    model: Type.Union([Type.String(), Type.Null()]),
    active_branch_id: Type.Union([Uuid, Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
    settings: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  },
  { 'x-component': 'Conversation' },
);

export const ConversationSummarySchema = Type.Object(
  {
    id: Uuid,
    title: Type.Union([Type.String(), Type.Null()]),
    model: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { 'x-component': 'ConversationSummary' },
);

export const BranchSchema = Type.Object(
  {
    id: Uuid,
    conversation_id: Uuid,
    parent_message_id: Type.Union([Uuid, Type.Null()], { description: 'The fork point; null for Main.' }),
    name: Type.String(),
    created_at: Timestamp,
  },
  { 'x-component': 'Branch' },
);

export const BranchViewSchema = Type.Object(
  {
    id: Uuid,
    conversation_id: Uuid,
    parent_message_id: Type.Union([Uuid, Type.Null()]),
    name: Type.String(),
    created_at: Timestamp,
    is_active: Type.Boolean(),
    leaf_message_id: Type.Union([Uuid, Type.Null()], { description: 'The message the branch currently ends at.' }),
    message_count: Type.Integer({ description: 'Messages visible on the branch, including those before its fork point.' }),
    own_message_count: Type.Integer({ description: 'Messages created on the branch itself.' }),
    last_message_at: Type.Union([Timestamp, Type.Null()]),
  },
  { 'x-component': 'BranchWithStats' },
);

export const MessageSchema = Type.Object(
  {
    id: Uuid,
    conversation_id: Uuid,
    branch_id: Uuid,
    parent_id: Type.Union([Uuid, Type.Null()]),
    role: Type.Enum(['user', 'assistant', 'system']),
    content: Type.String(),
    model: Type.Union([Type.String(), Type.Null()]),
    tokens_count: Type.Union([Type.Integer(), Type.Null()]),
    interrupted: Type.Optional(
      Type.Boolean({
        description:
          'True for a reply cut short (the client left, the upstream failed, the turn was stopped): `content` is what was relayed. ' +
          'Absent when conversations live behind the Edge Function, which has no column for it.',
      }),
    ),
    created_at: Timestamp,
  },
  { 'x-component': 'Message' },
);

export const ConversationTreeSchema = Type.Object(
  {
    roots: Type.Array(Uuid),
    children: Type.Record(Type.String(), Type.Array(Uuid), { description: 'Message id -> ids of its children, oldest first.' }),
    active_thread: Type.Array(Uuid, { description: 'The thread of the active branch, oldest first.' }),
  },
  { 'x-component': 'ConversationTree' },
);

export const ConversationFullSchema = Type.Object(
  {
    conversation: ConversationSchema,
    branches: Type.Array(BranchViewSchema),
    messages: Type.Array(MessageSchema, { description: 'Every message of every branch, oldest first.' }),
    tree: ConversationTreeSchema,
  },
  { 'x-component': 'ConversationFull' },
);

export const ConversationPageSchema = Type.Object({ items: Type.Array(ConversationSummarySchema), pagination: PaginationSchema });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
