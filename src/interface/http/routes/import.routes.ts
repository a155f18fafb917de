import type { Context } from 'koa';
import { ImportConversations } from '../../../application/import/import-conversations.use-case';
import type { ImportEvent } from '../../../application/import/import-report';
import { CONFIG } from '../../../config/config';
import { AppError, isAppError } from '../../../domain/errors/app-error';
import type { ImportFormat } from '../../../domain/import/imported-conversation';
import type { RouteDeps } from '../routing/route-deps';
import { HANDLED, ok, userOf, type RouteSpec } from '../routing/route-spec';
import { write } from '../download/send-download';
import { openImportFile } from '../import/json-elements';
import { spoolBody } from '../import/spool-body';
import { exampleChatGptFile, exampleImportReport, ImportFileSchema, ImportQuery, ImportReportSchema } from '../schemas/import.schemas';

const NDJSON = 'application/x-ndjson';
const UPSTREAM = ['UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'] as const;

const NDJSON_EXAMPLE =
  '{"type":"start","format":"chatgpt","total":2}\n' +
  '{"type":"conversation","index":0,"source_id":"c0ffee00-1111-4222-8333-444455556666","title":"Trip planning for Tbilisi","status":"imported","conversation_id":"3f6c1a9e-8d2b-4c1f-9a7e-5b2d8e4f6a10","branches":1,"messages":2,"skipped_nodes":{}}\n' +
  '{"type":"conversation","index":1,"source_id":"c0ffee00-1111-4222-8333-777788889999","title":"Old chat","status":"skipped","reason":"already_imported","conversation_id":"8b2e3d4c-5f6a-4b7c-9d8e-0f1a2b3c4d5e","skipped_nodes":{}}\n' +
  '{"type":"end","format":"chatgpt","totals":{"conversations":2,"imported":1,"skipped":1,"failed":0,"messages":2,"branches":1,"skipped_nodes":0}}\n';

function writeLine(ctx: Context, event: unknown): Promise<void> {
  return ctx.res.destroyed ? Promise.resolve() : write(ctx.res, `${JSON.stringify(event)}\n`);
}

/**
 * Progress as NDJSON: nothing is sent until the whole file was checked (a malformed file is still
 * a plain 422), then one line per conversation as it is written, and the totals last.
 */
async function streamProgress(ctx: Context, run: (onEvent: (e: ImportEvent) => Promise<void>) => Promise<unknown>): Promise<void> {
  let started = false;
  try {
    await run(async (event) => {
      if (!started) {
        started = true;
        ctx.status = 200;
        ctx.set('Content-Type', `${NDJSON}; charset=utf-8`);
        ctx.set('Cache-Control', 'no-store');
        ctx.respond = false;
      }
      await writeLine(ctx, event);
    });
  } catch (err) {
    if (!started) throw err;
    // The status is sent: the failure is the last line, in the error envelope's terms.
    const known = isAppError(err) ? err : new AppError('INTERNAL_ERROR', 'An unexpected error occurred', { cause: err });
    await writeLine(ctx, { type: 'error', code: known.code, message: known.message });
  }
  if (started && !ctx.res.destroyed) ctx.res.end();
}

export function importRoutes(deps: RouteDeps): RouteSpec[] {
  const config = deps.get(CONFIG);
  const importConversations = deps.get(ImportConversations);

  return [
    {
      method: 'post',
      path: '/v1/import',
      operationId: 'importConversations',
      rateLimit: 'batch',
      tags: ['Import'],
      summary: 'Import conversations from a ChatGPT, Claude or gateway export',
      description:
        'The body is the export file itself (`Content-Type: application/json`, up to `IMPORT_LIMIT_BYTES`, 50 MB by default): ' +
        "ChatGPT's or Claude's `conversations.json`, or this API's own JSON export. `format` names it; absent, it is detected from the first conversation. " +
        'The file is read as a stream (memory does not grow with it) and checked completely before anything is written: a malformed file is a 422 ' +
        'whose `details.fields[0].path` is the first bad place (`3.mapping.node-7.message.content`). Then each conversation is written with its branches ' +
        '(every fork of a ChatGPT tree is a branch; the thread shown last is the active branch), and answered as `imported`, `skipped` ' +
        '(`already_imported`: importing the same source conversation again never duplicates it; `empty`) or `failed` with the error code — a failed ' +
        "conversation is removed again, never left half-written, and the others go on. Source timestamps are kept in the conversation's " +
        '`settings.import`; the messages carry the times of the import.\n\n' +
        `**Progress**: send \`Accept: ${NDJSON}\` to receive one JSON line per conversation as it is written (\`start\` with the total, ` +
        '`conversation` lines, `end` with the totals; a failure after the start is an `error` line). Without it the answer is the whole report at the end.',
      query: ImportQuery,
      rawBody: { contentType: 'application/json', schema: ImportFileSchema, example: exampleChatGptFile },
      responses: {
        200: {
          description: 'The report: one result per source conversation, and the totals.',
          schema: ImportReportSchema,
          example: exampleImportReport,
          alternatives: [{ contentType: NDJSON, example: NDJSON_EXAMPLE }],
        },
      },
      errors: ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_ERROR', 'BAD_REQUEST', ...UPSTREAM],
      async handler(input) {
        const ctx = input.koa as unknown as Context;
        if (!ctx.is('application/json', '+json')) {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The import file must be sent as application/json', {
            details: { received: ctx.get('Content-Type') || null },
          });
        }
        const body = await spoolBody(ctx, config.importLimitBytes);
        try {
          const file = await openImportFile(body.file);
          const options = { format: (input.query as { format?: ImportFormat }).format, signal: input.signal };
          if (ctx.accepts('application/json', NDJSON) === NDJSON && ctx.get('Accept').includes(NDJSON)) {
            await streamProgress(ctx, (onEvent) => importConversations.execute(userOf(input), file, { ...options, onEvent }));
            return HANDLED;
          }
          return ok(await importConversations.execute(userOf(input), file, options));
        } finally {
          await body.dispose();
        }
      },
    },
  ];
}
