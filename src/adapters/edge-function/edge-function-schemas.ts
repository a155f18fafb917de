import { Type, type Static } from 'typebox';
import type { Branch, Conversation, ConversationSummary, Message } from '../../domain/conversation/conversation';

/*
 * What the adapter needs from the Edge Function's `data` payloads (docs/upstreams/edge-function.md).
 * Objects stay open (extra fields are tolerated and dropped by the mappers below); a field is
 * required only when the port cannot be answered without it. Optional columns whose absence has an
 * obvious meaning (no title, no model) default to null in the mappers.
 */

const Id = Type.String({ minLength: 1 });
const Timestamp = Type.String({ minLength: 1 });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableId = Type.Union([Id, Type.Null()]);
const NullableCount = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);
const Role = Type.Enum(['user', 'assistant', 'system']);

export const ConversationRow = Type.Object({
  id: Id,
  title: Type.Optional(NullableString),
  model: Type.Optional(NullableString),
  active_branch_id: Type.Optional(NullableId),
  created_at: Timestamp,
  updated_at: Type.Optional(Timestamp),
  settings: Type.Optional(Type.Union([Type.Object({}), Type.Null()])),
});

export const ConversationSummaryRow = Type.Object({
  id: Id,
  title: Type.Optional(NullableString),
  model: Type.Optional(NullableString),
  created_at: Timestamp,
  updated_at: Type.Optional(Timestamp),
});

export const BranchRow = Type.Object({
  id: Id,
  // The conversation is known from the call when a listing leaves it out.
  conversation_id: Type.Optional(Id),
  parent_message_id: Type.Optional(NullableId),
  name: Type.String(),
  created_at: Timestamp,
});

export const MessageRow = Type.Object({
  id: Id,
  conversation_id: Id,
  branch_id: Id,
  parent_id: Type.Optional(NullableId),
  role: Role,
  content: Type.String(),
  model: Type.Optional(NullableString),
  tokens_count: Type.Optional(NullableCount),
  created_at: Timestamp,
});

export const ConversationPageData = Type.Object({
  conversations: Type.Array(ConversationSummaryRow),
  total: Type.Integer({ minimum: 0 }),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
});

export const ConversationFullData = Type.Object({
  conversation: ConversationRow,
  branches: Type.Array(BranchRow),
  messages: Type.Array(MessageRow),
});

// (assumed) a bare array; a `{branches: [...]}` wrapper is accepted too.
export const BranchListData = Type.Union([Type.Array(BranchRow), Type.Object({ branches: Type.Array(BranchRow) })]);

// (assumed) the conversation row, `{active_branch_id}`, an empty object, or no payload at all.
export const ActivateBranchData = Type.Union([Type.Object({ active_branch_id: Type.Optional(NullableId) }), Type.Null()]);

export const InitConversationData = Type.Object({ conversation_id: Id });

export const AddedMessageData = Type.Object({
  message_id: Id,
  conversation_id: Id,
  branch_id: Id,
  parent_id: Type.Optional(NullableId),
  is_new_conversation: Type.Optional(Type.Boolean()),
});

export const SavedResponseData = Type.Object({
  message_id: Id,
  tokens_count: Type.Optional(NullableCount),
});

// (assumed) `{branch_id, parent_message_id, ...}`, or the new branch row itself.
export const RegenerateData = Type.Union([
  Type.Object({ branch_id: Id, parent_message_id: Id, conversation_id: Type.Optional(Id) }),
  Type.Object({ id: Id, parent_message_id: Id, conversation_id: Type.Optional(Id) }),
]);

export const ContextData = Type.Object({
  messages: Type.Array(Type.Object({ role: Role, content: Type.String() })),
  model: Type.Optional(NullableString),
  branch_id: Type.Optional(NullableId),
});

type ConversationRowData = Static<typeof ConversationRow>;

// The mappers copy the port's fields only: upstream extras (user_id, message counts...) never
// reach clients by accident.

export function toConversation(row: ConversationRowData): Conversation {
  return {
    id: row.id,
    title: row.title ?? null,
    model: row.model ?? null,
    active_branch_id: row.active_branch_id ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at ?? row.created_at,
    ...(row.settings === undefined ? {} : { settings: row.settings as Record<string, unknown> | null }),
  };
}

export function toConversationSummary(row: Static<typeof ConversationSummaryRow>): ConversationSummary {
  return {
    id: row.id,
    title: row.title ?? null,
    model: row.model ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at ?? row.created_at,
  };
}

export function toBranch(row: Static<typeof BranchRow>, conversationId: string): Branch {
  return {
    id: row.id,
    conversation_id: row.conversation_id ?? conversationId,
    parent_message_id: row.parent_message_id ?? null,
    name: row.name,
    created_at: row.created_at,
  };
}

export function toMessage(row: Static<typeof MessageRow>): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    branch_id: row.branch_id,
    parent_id: row.parent_id ?? null,
    role: row.role,
    content: row.content,
    model: row.model ?? null,
    tokens_count: row.tokens_count ?? null,
    created_at: row.created_at,
  };
}
