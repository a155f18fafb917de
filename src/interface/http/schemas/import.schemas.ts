import { Type } from 'typebox';
import { ERROR_CODES } from '../../../domain/errors/error-codes';
import { IMPORT_FORMATS } from '../../../domain/import/imported-conversation';
import { EX } from './examples';

const SKIP_REASONS = ['system', 'tool', 'empty', 'non_text', 'unknown_role', 'leading_assistant', 'root_fork'] as const;
const SkippedNodes = Type.Object(Object.fromEntries(SKIP_REASONS.map((r) => [r, Type.Optional(Type.Integer({ minimum: 1 }))])), {
  additionalProperties: false,
  description:
    'Source nodes left out, by reason: `system`, `tool` (tool messages and calls), `empty`, `non_text` (images, files, code), `unknown_role`, ' +
    '`leading_assistant` (a reply before any question), `root_fork` (an edit of the very first question: the store forks branches at a message, so only the thread shown last keeps its first question).',
});

export const ImportResultSchema = Type.Object(
  {
    index: Type.Integer({ minimum: 0, description: "Position in the file's list of conversations." }),
    source_id: Type.String({ description: 'The conversation id in the source export.' }),
    title: Type.Union([Type.String(), Type.Null()]),
    status: Type.Enum(['imported', 'skipped', 'failed']),
    conversation_id: Type.Optional(
      Type.String({
        description:
          '`imported`: the new conversation; `skipped` as `already_imported`: the earlier one; `failed`: only when a partly written conversation could not be removed.',
      }),
    ),
    branches: Type.Optional(Type.Integer({ minimum: 1 })),
    messages: Type.Optional(Type.Integer({ minimum: 0 })),
    reason: Type.Optional(Type.Enum(['already_imported', 'empty'])),
    code: Type.Optional(Type.Enum([...ERROR_CODES])),
    message: Type.Optional(Type.String()),
    skipped_nodes: SkippedNodes,
  },
  { 'x-component': 'ImportResult', description: 'What happened to one source conversation.' },
);

export const ImportTotalsSchema = Type.Object(
  {
    conversations: Type.Integer({ minimum: 0 }),
    imported: Type.Integer({ minimum: 0 }),
    skipped: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    messages: Type.Integer({ minimum: 0, description: 'Messages written.' }),
    branches: Type.Integer({ minimum: 0, description: 'Branches written.' }),
    skipped_nodes: Type.Integer({ minimum: 0, description: 'Source nodes left out.' }),
  },
  { 'x-component': 'ImportTotals' },
);

export const ImportReportSchema = Type.Object(
  {
    format: Type.Enum([...IMPORT_FORMATS]),
    conversations: Type.Array(ImportResultSchema),
    totals: ImportTotalsSchema,
  },
  { 'x-component': 'ImportReport' },
);

export const ImportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Enum([...IMPORT_FORMATS], { description: "The export's origin; detected from the first conversation when absent." }),
    ),
  },
  { additionalProperties: false },
);

export const ImportFileSchema = Type.Union(
  [
    Type.Array(Type.Object({}, { additionalProperties: true }), {
      description: 'ChatGPT or Claude `conversations.json`: a list of conversations.',
    }),
    Type.Object(
      {
        export: Type.Object({}, { additionalProperties: true }),
        conversations: Type.Array(Type.Object({}, { additionalProperties: true })),
      },
      { additionalProperties: true, description: 'The JSON file of `POST /v1/export/conversations`.' },
    ),
  ],
  { description: 'The export file as it was downloaded.' },
);

export const exampleChatGptFile = [
  {
    id: 'c0ffee00-1111-4222-8333-444455556666',
    title: 'Trip planning for Tbilisi',
    create_time: 1736933400.5,
    update_time: 1736933472.1,
    current_node: 'a1',
    mapping: {
      root: { id: 'root', message: null, parent: null, children: ['u1'] },
      u1: {
        id: 'u1',
        parent: 'root',
        children: ['a1'],
        message: {
          author: { role: 'user' },
          content: { content_type: 'text', parts: ['Plan a three-day trip to Tbilisi.'] },
          create_time: 1736933400.5,
        },
      },
      a1: {
        id: 'a1',
        parent: 'u1',
        children: [],
        message: {
          author: { role: 'assistant' },
          content: { content_type: 'text', parts: ['Day 1: the Old Town and Narikala fortress...'] },
          create_time: 1736933410.2,
          metadata: { model_slug: 'gpt-4o' },
        },
      },
    },
  },
];

export const exampleImportReport = {
  format: 'chatgpt',
  conversations: [
    {
      index: 0,
      source_id: 'c0ffee00-1111-4222-8333-444455556666',
      title: 'Trip planning for Tbilisi',
      status: 'imported',
      conversation_id: EX.conversationId,
      branches: 1,
      messages: 2,
      skipped_nodes: {},
    },
  ],
  totals: { conversations: 1, imported: 1, skipped: 0, failed: 0, messages: 2, branches: 1, skipped_nodes: 0 },
};
