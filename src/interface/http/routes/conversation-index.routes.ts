import { Type } from 'typebox';
import { BatchDeleteConversations } from '../../../application/conversations/batch-delete-conversations.use-case';
import { BatchUpdateConversations } from '../../../application/conversations/batch-update-conversations.use-case';
import { SearchConversations } from '../../../application/conversations/search-conversations.use-case';
import { ExportConversations } from '../../../application/export/export-conversations.use-case';
import { LOGGER } from '../../../ports/logger.port';
import { sendDownload } from '../download/send-download';
import { HANDLED, ok, userOf, type RouteSpec } from '../routing/route-spec';
import {
  BatchDeleteBody,
  BatchDeleteResultSchema,
  BatchUpdateBody,
  BatchUpdateResultSchema,
  ConfirmationRequiredSchema,
  exampleBatchUpdate,
  exampleConfirmationRequired,
} from '../schemas/conversation-batch.schemas';
import { ConversationExportSchema, exampleConversationExport, ExportBody } from '../schemas/conversation-export.schemas';
import { exampleSearchResult, SearchQuery, SearchResultSchema } from '../schemas/conversation-search.schemas';
import { EX } from '../schemas/examples';
import { userActivityRoutes } from './user-activity.routes';
import type { RouteDeps } from '../routing/route-deps';

const TAGS = ['Conversations'];
const UPSTREAM = ['UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'] as const;

const EXPORT_MARKDOWN_EXAMPLE = [
  '# Conversation export',
  '',
  '- **Exported:** 2026-01-15 09:31 UTC',
  '- **Conversations:** 1 requested',
  '- **Branches:** active branch only',
  '',
  '---',
  '',
  '## Trip planning for Tbilisi',
  '',
  '- **Model:** gpt-4o',
  '- **Created:** 2026-01-15 09:30 UTC',
  '- **Updated:** 2026-01-15 09:31 UTC',
  '- **Messages:** 2',
  `- **Conversation id:** \`${EX.conversationId}\``,
  '',
  '### User · 2026-01-15 09:30 UTC',
  '',
  'Plan a three-day trip to Tbilisi.',
  '',
  '### Assistant (gpt-4o) · 2026-01-15 09:31 UTC',
  '',
  'Day 1: the Old Town and Narikala fortress...',
  '',
  '---',
  '',
  '_End of export: 1 conversation exported._',
  '',
].join('\n');

/**
 * Search, batch updates, mass deletion and export: what the conversation index adds to the
 * conversation routes, plus the user's usage and statistics. Listed before the conversation routes,
 * so `/v1/conversations/search` and `/v1/conversations/batch` are never taken for an `{id}`.
 */
export function conversationIndexRoutes(deps: RouteDeps): RouteSpec[] {
  const searchConversations = deps.get(SearchConversations);
  const batchUpdateConversations = deps.get(BatchUpdateConversations);
  const batchDeleteConversations = deps.get(BatchDeleteConversations);
  const exportConversations = deps.get(ExportConversations);
  const logger = deps.get(LOGGER);

  return [
    {
      method: 'get',
      path: '/v1/conversations/search',
      operationId: 'searchConversations',
      tags: TAGS,
      summary: 'Search conversation titles and messages',
      description:
        "Finds `q` in the caller's conversation titles and in the content of their messages (every branch): literal text, " +
        'case-insensitive, so `50%`, `a_b`, `x,user_id.neq.0` or quotes match exactly those characters. One result per conversation, ' +
        'with the newest matching messages as plain-text snippets and the match offsets (`highlights`) so clients can render ' +
        'highlights safely. Conversations whose title matches come first, then the most recently active. Filters: `model`, ' +
        '`date_from`/`date_to` (creation of the conversation; an inverted range is 422), `min_messages`/`max_messages`. ' +
        'A term over 200 characters, blank, or with control characters (NUL included) is 422. ' +
        'One search looks at the newest 1000 title matches and 1000 message matches (`SEARCH_MAX_CANDIDATES`); `truncated` says when there were more.',
      query: SearchQuery,
      responses: {
        200: { description: 'One page of conversations that match.', schema: SearchResultSchema, example: exampleSearchResult },
      },
      errors: [...UPSTREAM],
      async handler(input) {
        return ok(await searchConversations.execute(userOf(input), input.query));
      },
    },
    {
      method: 'post',
      path: '/v1/conversations/batch',
      operationId: 'batchUpdateConversations',
      rateLimit: 'batch',
      tags: TAGS,
      summary: 'Rename or change the model of many conversations',
      description:
        `Changes \`title\` and/or \`model\` of up to 100 conversations in one call (each id once: a repeat is 422), ` +
        'a few upstream calls at a time. Every item gets a result `{id, ok, conversation?, error?}` in request order; a failure ' +
        "(unknown or another user's id: `NOT_FOUND`; a blank title: `VALIDATION_ERROR`; an upstream error) affects that item only, " +
        'so the answer is 200 even when some items failed: read `failed`.',
      body: BatchUpdateBody,
      bodyExample: {
        items: [
          { id: EX.conversationId, title: 'Tbilisi, three days' },
          { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', model: 'gpt-4o-mini' },
        ],
      },
      responses: { 200: { description: 'A result per conversation.', schema: BatchUpdateResultSchema, example: exampleBatchUpdate } },
      async handler(input) {
        return ok(await batchUpdateConversations.execute(userOf(input), input.body.items));
      },
    },
    {
      method: 'delete',
      path: '/v1/conversations/batch',
      operationId: 'batchDeleteConversations',
      rateLimit: 'batch',
      tags: TAGS,
      summary: 'Delete many conversations, after confirmation',
      description:
        'Two calls. The first, with `ids` only, deletes nothing and answers 409 `CONFIRMATION_REQUIRED`: `details.conversations` are the ' +
        "caller's conversations among the ids (with titles: what would be deleted), `details.not_found` the other ids (unknown and other " +
        "users' ids alike: nothing about them is revealed), and `details.confirmation_token`, valid for a few minutes, for this caller and " +
        'exactly this set of ids. The second call sends the same ids with `confirmation_token` and deletes them with their branches and ' +
        'messages; each id reports whether a row was really deleted. A token that is expired, or was issued for other ids or another ' +
        'user, deletes nothing and is answered with a new 409 (`details.token_refused`). Every step is audit-logged.',
      body: BatchDeleteBody,
      bodyExample: {
        ids: [EX.conversationId, '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'],
        confirmation_token: exampleConfirmationRequired.error.details.confirmation_token,
      },
      responses: {
        200: {
          description: 'What was deleted, per id.',
          schema: BatchDeleteResultSchema,
          example: {
            results: [
              { id: EX.conversationId, ok: true },
              { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } },
            ],
            deleted: 1,
            not_found: 1,
          },
        },
        409: {
          description: 'Nothing was deleted: the preview and a confirmation token.',
          schema: ConfirmationRequiredSchema,
          example: exampleConfirmationRequired,
          envelope: false,
        },
      },
      errors: ['CONFIRMATION_REQUIRED', ...UPSTREAM],
      async handler(input) {
        const result = await batchDeleteConversations.execute(userOf(input), input.body, { ip: input.koa.ip || undefined });
        return ok(result);
      },
    },
    {
      method: 'post',
      path: '/v1/export/conversations',
      operationId: 'exportConversations',
      rateLimit: 'batch',
      tags: TAGS,
      summary: 'Download conversations as JSON, NDJSON or Markdown',
      description:
        'Streams a file (`Content-Disposition: attachment`) built one conversation at a time, so any number of conversations ' +
        'can be exported. `ids` chooses conversations (in that order; each once); without it every conversation is exported, oldest first. ' +
        "`branches`: `active` (the thread the user sees) or `all`. Unknown or other users' ids do not fail the export: they are listed " +
        'in the file (`not_found` in JSON, `{"type":"not_found"}` lines in NDJSON, a "Not exported" section in Markdown), as are ' +
        'conversations the upstream failed to deliver. A failure after the download started cuts the transfer short rather than ending a file that looks complete.',
      body: ExportBody,
      bodyExample: { ids: [EX.conversationId], format: 'markdown', branches: 'active' },
      responses: {
        200: {
          description: 'The export file.',
          contentType: 'application/json',
          envelope: false,
          schema: ConversationExportSchema,
          example: exampleConversationExport,
          headers: {
            'Content-Disposition': {
              description: 'attachment; filename="conversations-<UTC timestamp>.<json|ndjson|md>"',
              schema: Type.String(),
            },
          },
          alternatives: [
            {
              contentType: 'application/x-ndjson',
              example: '{"type":"export","format":"ndjson","branches":"active"}\n{"type":"end","exported":0}\n',
            },
            { contentType: 'text/markdown', example: EXPORT_MARKDOWN_EXAMPLE },
          ],
        },
      },
      errors: [...UPSTREAM],
      async handler(input) {
        const body = input.body as { ids?: string[]; format?: 'json' | 'ndjson' | 'markdown'; branches?: 'active' | 'all' };
        const download = await exportConversations.start(
          userOf(input),
          { ids: body.ids, format: body.format ?? 'json', branches: body.branches ?? 'active' },
          input.signal,
        );
        await sendDownload(input.koa, download, logger);
        return HANDLED;
      },
    },
    ...userActivityRoutes(deps),
  ];
}
