import type { Static } from 'typebox';
import { SERVICE_LIFECYCLE } from '../../../application/service/service-lifecycle';
import { StreamAccess } from '../../../application/streams/stream-access';
import { CONFIG } from '../../../config/config';
import { AppError } from '../../../domain/errors/app-error';
import { LOGGER } from '../../../ports/logger.port';
import type { TurnRecord } from '../../../ports/stream-log.port';
import type { RouteDeps } from '../routing/route-deps';
import { HANDLED, ok, userOf, type RouteInput, type RouteSpec } from '../routing/route-spec';
import { ChatEventStreamSchema } from '../schemas/chat.schemas';
import { EX } from '../schemas/examples';
import { ListStreamsQuery, ResumeQuery, StopResultSchema, StreamIdParams, StreamListSchema } from '../schemas/stream.schemas';
import { relayResumed } from '../sse/relay-resumed';

const EXAMPLE_STREAM_ID = '5b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';

const RESUME_EXAMPLE = [
  `id: 3`,
  `data: {"id":"chatcmpl-9f2c","object":"chat.completion.chunk","created":1768469400,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":" Narikala"},"finish_reason":null}],"conversation":{"conversation_id":"${EX.conversationId}","branch_id":"${EX.mainBranchId}","user_message_id":"${EX.userMessageId}"},"stream_id":"${EXAMPLE_STREAM_ID}"}`,
  '',
  ': ping',
  '',
  `id: 4`,
  `data: {"id":"chatcmpl-9f2c","object":"chat.completion.chunk","created":1768469400,"model":"gpt-4o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":412,"total_tokens":433},"conversation":{"conversation_id":"${EX.conversationId}","branch_id":"${EX.mainBranchId}","user_message_id":"${EX.userMessageId}","assistant_message_id":"${EX.assistantMessageId}"}}`,
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

/** `Last-Event-ID` (header, as EventSource sends it) wins over `last_event_id` (query, for fetch-less clients). */
function lastEventId(input: RouteInput): number {
  const header = input.koa.get('Last-Event-ID').trim();
  if (header === '') return (input.query.last_event_id as number | undefined) ?? 0;
  if (!/^\d{1,15}$/.test(header)) {
    throw new AppError('VALIDATION_ERROR', 'The request is invalid', {
      details: { fields: [{ path: 'Last-Event-ID', message: 'must be the `id:` of an event of this stream (an integer)' }] },
    });
  }
  return Number(header);
}

function summary(r: TurnRecord) {
  return {
    stream_id: r.stream_id,
    conversation_id: r.conversation_id,
    branch_id: r.branch_id,
    user_message_id: r.user_message_id,
    model: r.model,
    status: r.status,
    started_at: new Date(r.started_at).toISOString(),
    ended_at: r.ended_at === undefined ? null : new Date(r.ended_at).toISOString(),
  };
}

/** Resumable streams: list a user's turns, resume one (replay, then follow), stop one. */
export function streamRoutes(deps: RouteDeps): RouteSpec[] {
  const access = deps.get(StreamAccess);
  const config = deps.get(CONFIG);
  const logger = deps.get(LOGGER);
  const lifecycle = deps.get(SERVICE_LIFECYCLE);
  return [
    {
      method: 'get',
      path: '/v1/chat/streams',
      operationId: 'listChatStreams',
      tags: ['Chat'],
      summary: "List the user's streamed turns (running or recently ended)",
      description:
        "The user's streamed turns that are running or ended within `STREAM_RETENTION_SECONDS`, newest first, optionally of one conversation: " +
        'a reloaded page finds the turn to resume here (`status: running`).',
      query: ListStreamsQuery,
      responses: {
        200: {
          description: 'The turns.',
          schema: StreamListSchema,
          example: {
            streams: [
              {
                stream_id: EXAMPLE_STREAM_ID,
                conversation_id: EX.conversationId,
                branch_id: EX.mainBranchId,
                user_message_id: EX.userMessageId,
                model: 'gpt-4o',
                status: 'running',
                started_at: '2026-01-15T09:30:00.000Z',
                ended_at: null,
              },
            ],
          },
        },
      },
      errors: ['UPSTREAM_UNAVAILABLE'],
      async handler(input) {
        const query = input.query as Static<typeof ListStreamsQuery>;
        const records = await access.list(userOf(input), query.conversation_id);
        return ok({ streams: records.map(summary) });
      },
    },
    {
      method: 'get',
      path: '/v1/chat/streams/{stream_id}',
      operationId: 'resumeChatStream',
      tags: ['Chat'],
      summary: 'Resume a streamed turn (replay, then follow it live)',
      description:
        "Server-Sent Events of the turn `stream_id` (from the `X-Stream-Id` header or the first chunk's `stream_id`): every event after the one named by " +
        'the `Last-Event-ID` header (or the `last_event_id` query parameter), or all of them when absent, then the live events until `data: [DONE]`. ' +
        'Events are byte-for-byte those of the original stream (same `id:`s, chunk id and `created`), with `: ping` heartbeats while the model is silent. ' +
        'Works on any replica when the stream log is Redis (`REDIS_URL`); events are kept `STREAM_RETENTION_SECONDS` after the turn ended. ' +
        "Another user's, an unknown or an expired stream id is `404`. A stream log that does not answer is `503 UPSTREAM_UNAVAILABLE`. " +
        'When the replica producing the turn died, the stream ends with an error event `STREAM_INTERRUPTED` (the text so far is saved), then `[DONE]`.',
      params: StreamIdParams,
      query: ResumeQuery,
      responses: {
        200: {
          description: 'The turn as an SSE stream.',
          contentType: 'text/event-stream',
          schema: ChatEventStreamSchema,
          example: RESUME_EXAMPLE,
        },
      },
      errors: ['NOT_FOUND', 'UPSTREAM_UNAVAILABLE'],
      async handler(input) {
        const after = lastEventId(input);
        const controller = new AbortController();
        input.signal.addEventListener('abort', () => controller.abort(), { once: true });
        const streamId = (input.params as Static<typeof StreamIdParams>).stream_id;
        const resumed = await access.resume(userOf(input), streamId, after, controller.signal);
        await relayResumed(input.koa, resumed, {
          logger,
          lifecycle,
          pingMs: config.ssePingIntervalMs,
          abort: (reason) => controller.abort(reason),
        });
        return HANDLED;
      },
    },
    {
      method: 'post',
      path: '/v1/chat/streams/{stream_id}/stop',
      operationId: 'stopChatStream',
      tags: ['Chat'],
      summary: 'Stop a streamed turn, from any tab, device or replica',
      description:
        'Stops the turn wherever it runs: the model call is aborted, the text produced so far is saved as the reply (marked interrupted where the store can say so), ' +
        'and every listener\'s stream ends within a second with a final chunk `finish_reason: "stop"`, `stopped: {reason: "user"}`, then `data: [DONE]`. ' +
        'Stopping a turn that already ended is a no-op `200` with `was_running: false`.',
      params: StreamIdParams,
      responses: {
        200: {
          description: 'Whether the turn was running.',
          schema: StopResultSchema,
          example: { stream_id: EXAMPLE_STREAM_ID, was_running: true, status: 'stopped' },
        },
      },
      errors: ['NOT_FOUND', 'UPSTREAM_UNAVAILABLE'],
      async handler(input) {
        const result = await access.stop(userOf(input), (input.params as Static<typeof StreamIdParams>).stream_id);
        return ok(result);
      },
    },
  ];
}
