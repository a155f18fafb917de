import { Type } from 'typebox';
import { EXPORT_MAX_IDS } from '../../../application/conversations/conversation-index-policy';
import { ERROR_CODES } from '../../../domain/errors/error-codes';
import { Timestamp, Uuid } from './common.schemas';
import { BranchSchema, ConversationSchema, MessageSchema } from './conversation.schemas';
import { EX, exampleAssistantMessage, exampleConversation, exampleUserMessage } from './examples';

export const ExportBody = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Uuid, {
        minItems: 1,
        maxItems: EXPORT_MAX_IDS,
        description: `Conversations to export, in this order (at most ${EXPORT_MAX_IDS}, each once). Absent: every conversation, oldest first.`,
      }),
    ),
    format: Type.Optional(Type.Enum(['json', 'ndjson', 'markdown'], { description: 'Default `json`.' })),
    branches: Type.Optional(
      Type.Enum(['active', 'all'], {
        description: '`active` (default): the thread the user sees. `all`: every branch and every message.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The JSON export file (`format: "json"`): what a client reading it may rely on. */
export const ConversationExportSchema = Type.Object(
  {
    export: Type.Object({
      format: Type.Literal('json'),
      branches: Type.Enum(['active', 'all']),
      exported_at: Timestamp,
      requested: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
        description: 'Ids asked for; null when every conversation is exported.',
      }),
    }),
    conversations: Type.Array(
      Type.Object({
        conversation: ConversationSchema,
        branches: Type.Array(Type.Object({ ...BranchSchema.properties, is_active: Type.Boolean() }), {
          description: '`active`: the active branch only; `all`: every branch, in creation order.',
        }),
        messages: Type.Array(MessageSchema, {
          description: '`active`: the thread the user sees, oldest first; `all`: every message of every branch, oldest first.',
        }),
      }),
      { description: 'In the order asked (all conversations: oldest first).' },
    ),
    not_found: Type.Array(Uuid, { description: "Ids that name no conversation of the caller (unknown or another user's alike)." }),
    failed: Type.Array(Type.Object({ id: Uuid, code: Type.Enum([...ERROR_CODES]), message: Type.String() }), {
      description: 'Conversations the upstream failed to deliver.',
    }),
    exported: Type.Integer({ minimum: 0 }),
  },
  { 'x-component': 'ConversationExport' },
);

export const exampleConversationExport = {
  export: { format: 'json', branches: 'active', exported_at: EX.updated, requested: 2 },
  conversations: [
    {
      conversation: exampleConversation,
      branches: [
        {
          id: EX.mainBranchId,
          conversation_id: EX.conversationId,
          parent_message_id: null,
          name: 'Main',
          created_at: EX.created,
          is_active: true,
        },
      ],
      messages: [exampleUserMessage, exampleAssistantMessage],
    },
  ],
  not_found: ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'],
  failed: [],
  exported: 1,
};
