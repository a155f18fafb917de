import { Type } from 'typebox';
import { SEARCH_TERM_MAX } from '../../../domain/search/search-term';
import { PageQuery, PaginationSchema, Timestamp, Uuid } from './common.schemas';
import { ModelId } from './conversation.schemas';
import { EX } from './examples';

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
