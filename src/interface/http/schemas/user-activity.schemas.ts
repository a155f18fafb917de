import { Type } from 'typebox';
import { Timestamp } from './common.schemas';
import { DATE_PARAM_MAX } from './conversation-search.schemas';

const Day = Type.String({ format: 'date', description: 'A UTC day, `YYYY-MM-DD`.' });

export const UsageQuery = Type.Object(
  {
    date_from: Type.Optional(
      Type.String({
        maxLength: DATE_PARAM_MAX,
        pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
        description: 'First day (`YYYY-MM-DD`, UTC) or instant. Default: 29 days before `date_to`.',
      }),
    ),
    date_to: Type.Optional(
      Type.String({
        maxLength: DATE_PARAM_MAX,
        pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
        description: 'Last day (included whole) or instant. Default: today. At most 366 days after `date_from`; before it is 422.',
      }),
    ),
    group_by: Type.Optional(Type.Enum(['day', 'model'], { description: '`day` (default): every day of the range; `model`: per model.' })),
  },
  { additionalProperties: false },
);

const figures = {
  requests: Type.Integer({ minimum: 0, description: 'Saved assistant replies: one completed model call each.' }),
  completion_tokens: Type.Integer({ minimum: 0, description: "Sum of the replies' `tokens_count`." }),
  cost_usd: Type.Number({ minimum: 0, description: 'Completion tokens times the output price of their model (USD per 1M tokens).' }),
  unpriced_completion_tokens: Type.Integer({ minimum: 0, description: 'Completion tokens of models without an output price.' }),
  requests_without_tokens: Type.Integer({ minimum: 0, description: 'Replies saved without a token count (e.g. interrupted).' }),
};

const UsageFiguresSchema = Type.Object(figures, { 'x-component': 'UsageFigures' });

export const UsageSchema = Type.Object(
  {
    range: Type.Object(
      { from: Timestamp, until: Timestamp },
      { description: '`[from, until)`: `until` is the first instant after the range.' },
    ),
    group_by: Type.Enum(['day', 'model']),
    currency: Type.Literal('USD'),
    source: Type.Literal('conversation_index'),
    pricing_unavailable: Type.Boolean({ description: 'The model catalogue could not be read: every token is unpriced.' }),
    truncated: Type.Boolean({ description: 'More replies than one report reads (100,000): figures cover the oldest.' }),
    totals: UsageFiguresSchema,
    items: Type.Array(
      Type.Object(
        { date: Type.Optional(Day), model: Type.Optional(Type.String()), ...figures },
        { description: 'One per day or per model.' },
      ),
    ),
  },
  { 'x-component': 'Usage' },
);

const usageFigures = { requests: 2, completion_tokens: 1500, cost_usd: 0.015, unpriced_completion_tokens: 0, requests_without_tokens: 0 };

export const exampleUsage = {
  range: { from: '2026-01-14T00:00:00.000Z', until: '2026-01-16T00:00:00.000Z' },
  group_by: 'day',
  currency: 'USD',
  source: 'conversation_index',
  pricing_unavailable: false,
  truncated: false,
  totals: usageFigures,
  items: [
    { date: '2026-01-14', requests: 0, completion_tokens: 0, cost_usd: 0, unpriced_completion_tokens: 0, requests_without_tokens: 0 },
    { date: '2026-01-15', ...usageFigures },
  ],
};

export const ConversationStatsSchema = Type.Object(
  {
    conversations: Type.Integer({ minimum: 0 }),
    messages: Type.Integer({ minimum: 0, description: 'All messages of all branches.' }),
    branches: Type.Integer({ minimum: 0 }),
    by_model: Type.Array(
      Type.Object({
        model: Type.Union([Type.String(), Type.Null()], { description: "The conversation's model." }),
        conversations: Type.Integer({ minimum: 0 }),
        messages: Type.Integer({ minimum: 0 }),
      }),
      { description: 'Most conversations first.' },
    ),
    recent_activity: Type.Object({
      window_days: Type.Integer({ description: 'The last N UTC days, today included.' }),
      last_activity_at: Type.Union([Timestamp, Type.Null()]),
      active_conversations: Type.Integer({ minimum: 0, description: 'Conversations updated within the window.' }),
      conversations_created: Type.Integer({ minimum: 0 }),
      messages: Type.Integer({ minimum: 0 }),
      days: Type.Array(
        Type.Object({ date: Day, conversations_created: Type.Integer({ minimum: 0 }), messages: Type.Integer({ minimum: 0 }) }),
        { description: 'Every day of the window, oldest first.' },
      ),
    }),
    truncated: Type.Boolean({ description: 'More rows than statistics read (100,000): figures are partial.' }),
  },
  { 'x-component': 'ConversationStats' },
);

export const exampleConversationStats = {
  conversations: 12,
  messages: 148,
  branches: 15,
  by_model: [
    { model: 'gpt-4o', conversations: 9, messages: 120 },
    { model: 'anthropic/claude-3-5-sonnet', conversations: 3, messages: 28 },
  ],
  recent_activity: {
    window_days: 30,
    last_activity_at: '2026-01-15T09:31:12.000Z',
    active_conversations: 4,
    conversations_created: 3,
    messages: 36,
    days: [
      { date: '2026-01-14', conversations_created: 1, messages: 10 },
      { date: '2026-01-15', conversations_created: 2, messages: 26 },
    ],
  },
  truncated: false,
};
