import { Type } from 'typebox';
import { BATCH_MAX_IDS, EXPORT_MAX_IDS } from '../../../application/conversations/conversation-index-policy';
import { SEARCH_TERM_MAX } from '../../../domain/search/search-term';
import { ERROR_CODES } from '../../../domain/errors/error-codes';
import { PageQuery, PaginationSchema, Timestamp, Uuid } from './common.schemas';
import { BranchSchema, ConversationSchema, MessageSchema, ModelId, Title } from './conversation.schemas';
import { EX, exampleAssistantMessage, exampleConversation, exampleUserMessage } from './examples';

/** The longest date-time the pattern admits: `2026-01-15T09:30:00.123456789+02:00`. */
export const DATE_PARAM_MAX = 35;

/** A calendar day or an instant; the use case reads it (and rejects impossible dates like 2026-02-30). */
const DateParam = (end: 'from' | 'to') =>
  Type.String({
    maxLength: DATE_PARAM_MAX,
    pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
    description:
      end === 'from'
        ? 'Only conversations created at or after this day (`YYYY-MM-DD`, UTC) or instant (ISO-8601 with offset).'
        : 'Only conversations created on or before this day (`YYYY-MM-DD`, UTC: the whole day counts) or instant. Before `date_from` is 422.',
  });

const SearchTerm = (required: boolean) =>
  Type.String({
    minLength: 1,
    maxLength: SEARCH_TERM_MAX,
    description:
      `${required ? 'Text to find' : 'Only conversations whose title or some message contains this text'}: literal and case-insensitive ` +
      '(`%`, `_`, `*`, quotes, commas and the like stand for themselves), trimmed, Unicode NFC, at most 200 characters. ' +
      'Control characters (NUL included) are rejected with 422, never stripped.',
  });

export const ConversationSort = Type.Enum(['updated_at.desc', 'updated_at.asc', 'created_at.desc', 'created_at.asc'], {
  description: 'Order of the list (default `updated_at.desc`: most recently active first).',
});

/** The filters of `GET /v1/conversations`, beside its paging. */
export const ListFilterQuery = {
  q: Type.Optional(SearchTerm(false)),
  model: Type.Optional(ModelId),
  date_from: Type.Optional(DateParam('from')),
  date_to: Type.Optional(DateParam('to')),
  sort: Type.Optional(ConversationSort),
};

const MessageCount = (end: 'min' | 'max') =>
  Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    description: `${end === 'min' ? 'At least' : 'At most'} this many messages (all branches).${end === 'max' ? ' Below `min_messages` is 422.' : ''}`,
  });

export const SearchQuery = Type.Object(
  {
    q: SearchTerm(true),
    model: Type.Optional(ModelId),
    date_from: Type.Optional(DateParam('from')),
    date_to: Type.Optional(DateParam('to')),
    min_messages: Type.Optional(MessageCount('min')),
    max_messages: Type.Optional(MessageCount('max')),
    mode: Type.Optional(
      Type.Enum(['literal', 'words'], {
        description:
          '`literal` (default): `q` as typed, case-insensitive, anywhere in the text. `words`: full-text search (PostgreSQL stores only; 422 on the Edge Function path): ' +
          'web-search syntax (`"a phrase"`, `or`, `-excluded`), English stemming (`walls` finds `wall`), conversations ranked by relevance after title matches, ' +
          'the best matching messages with a fragment around the matched words.',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const HighlightSchema = Type.Object(
  { start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) },
  {
    'x-component': 'Highlight',
    description: 'One occurrence of the term: `[start, end)` in UTF-16 code units (JavaScript string indices) of the string it belongs to.',
  },
);

const MessageMatchSchema = Type.Object(
  {
    message_id: Uuid,
    branch_id: Uuid,
    role: Type.Enum(['user', 'assistant', 'system']),
    created_at: Timestamp,
    snippet: Type.String({ description: 'Plain text around the first occurrence (no HTML), `…` where the message was cut.' }),
    highlights: Type.Array(HighlightSchema, { description: 'Occurrences inside `snippet`.' }),
  },
  { 'x-component': 'MessageMatch' },
);

const ConversationHitSchema = Type.Object(
  {
    id: Uuid,
    title: Type.Union([Type.String(), Type.Null()]),
    model: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
    message_count: Type.Integer({ description: 'Messages of the conversation, all branches.' }),
    title_highlights: Type.Array(HighlightSchema, { description: 'Occurrences in `title`; empty when only messages matched.' }),
    matches: Type.Array(MessageMatchSchema, { description: 'The newest matching messages (at most 3).' }),
    match_count: Type.Integer({ description: 'Matching messages in this conversation.' }),
  },
  { 'x-component': 'ConversationSearchHit' },
);

export const SearchResultSchema = Type.Object({
  items: Type.Array(ConversationHitSchema),
  pagination: PaginationSchema,
  query: Type.String({ description: 'The term as searched.' }),
  truncated: Type.Boolean({
    description: 'More titles or messages matched than one search looks at (SEARCH_MAX_CANDIDATES each): only the newest were ranked.',
  }),
});

export const exampleSearchResult = {
  items: [
    {
      id: EX.conversationId,
      title: 'Trip planning for Tbilisi',
      model: 'gpt-4o',
      created_at: EX.created,
      updated_at: EX.updated,
      message_count: 2,
      title_highlights: [{ start: 18, end: 25 }],
      matches: [
        {
          message_id: EX.userMessageId,
          branch_id: EX.mainBranchId,
          role: 'user',
          created_at: EX.created,
          snippet: 'Plan a three-day trip to Tbilisi.',
          highlights: [{ start: 25, end: 32 }],
        },
      ],
      match_count: 1,
    },
  ],
  pagination: { page: 1, limit: 20, total: 1, pages: 1 },
  query: 'tbilisi',
  truncated: false,
};

const ItemErrorSchema = Type.Object(
  { code: Type.Enum([...ERROR_CODES]), message: Type.String() },
  { 'x-component': 'BatchItemError', description: 'Why this item failed; the other items are unaffected.' },
);

export const BatchUpdateBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { id: Uuid, title: Type.Optional(Title), model: Type.Optional(ModelId) },
        { additionalProperties: false, description: 'One conversation and what to change: `title`, `model` or both.' },
      ),
      { minItems: 1, maxItems: BATCH_MAX_IDS, description: `1 to ${BATCH_MAX_IDS} conversations, each at most once.` },
    ),
  },
  { additionalProperties: false },
);

export const BatchUpdateResultSchema = Type.Object({
  results: Type.Array(
    Type.Object(
      {
        id: Uuid,
        ok: Type.Boolean(),
        conversation: Type.Optional(ConversationSchema),
        error: Type.Optional(ItemErrorSchema),
      },
      { description: 'One per requested id, in request order.' },
    ),
  ),
  succeeded: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
});

export const exampleBatchUpdate = {
  results: [
    { id: EX.conversationId, ok: true, conversation: { ...exampleConversation, title: 'Tbilisi, three days' } },
    { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } },
  ],
  succeeded: 1,
  failed: 1,
};

export const BatchDeleteBody = Type.Object(
  {
    ids: Type.Array(Uuid, {
      minItems: 1,
      maxItems: BATCH_MAX_IDS,
      description: `1 to ${BATCH_MAX_IDS} conversation ids, each at most once.`,
    }),
    confirmation_token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The token of the 409 answer to the same ids: without a valid one nothing is deleted.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BatchDeleteResultSchema = Type.Object({
  results: Type.Array(
    Type.Object(
      { id: Uuid, ok: Type.Boolean({ description: 'A row was really deleted.' }), error: Type.Optional(ItemErrorSchema) },
      { description: 'One per requested id, in request order.' },
    ),
  ),
  deleted: Type.Integer({ minimum: 0 }),
  not_found: Type.Integer({ minimum: 0 }),
});

export const ConfirmationRequiredSchema = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      message: Type.String(),
      code: Type.Literal('CONFIRMATION_REQUIRED'),
      request_id: Type.String(),
      details: Type.Object({
        token_refused: Type.Optional(
          Type.Enum(['malformed', 'expired', 'mismatch'], {
            description: 'Why the token sent was refused (`mismatch`: issued for other ids or another user).',
          }),
        ),
        conversations: Type.Array(
          Type.Object({
            id: Uuid,
            title: Type.Union([Type.String(), Type.Null()]),
            message_count: Type.Integer(),
            updated_at: Timestamp,
          }),
          { description: "The caller's conversations among the ids: what the confirmed call deletes." },
        ),
        not_found: Type.Array(Uuid, { description: "Ids that name no conversation of the caller (unknown or another user's alike)." }),
        confirmation_token: Type.String({ description: 'Send it back with the same ids to delete.' }),
        expires_at: Timestamp,
      }),
    }),
  },
  { 'x-component': 'ConfirmationRequired' },
);

export const exampleConfirmationRequired = {
  success: false,
  error: {
    message: 'Nothing was deleted: repeat the call with confirmation_token to delete the conversations listed',
    code: 'CONFIRMATION_REQUIRED',
    request_id: 'a1b2c3d4-0000-4000-8000-000000000000',
    details: {
      conversations: [{ id: EX.conversationId, title: 'Trip planning for Tbilisi', message_count: 2, updated_at: EX.updated }],
      not_found: ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'],
      confirmation_token: 'v1.1768469700.q2Vt0bX1cQ9a.3mJ0k6yZ0b9mC4cHq1dS2fL8pW7xN5rT0vU3iE6aG1oY',
      expires_at: '2026-01-15T09:35:00.000Z',
    },
  },
};

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
