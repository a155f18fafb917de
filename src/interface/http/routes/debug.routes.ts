import { Type } from 'typebox';
import { AppError } from '../../../domain/errors/app-error';
import { REQUEST_JOURNAL } from '../../../ports/request-journal.port';
import { ok, type RouteSpec } from '../routing/route-spec';
import type { RouteDeps } from '../routing/route-deps';

/**
 * Development only, mounted by `createApp` when the journal is enabled (DEBUG_REQUESTS) and never
 * in production; kept out of `allRoutes()`, so out of the OpenAPI document and `/info`.
 */
export function debugRoutes(deps: RouteDeps): RouteSpec[] {
  const journal = deps.get(REQUEST_JOURNAL);

  return [
    {
      method: 'get',
      path: '/debug/requests',
      operationId: 'listRecordedRequests',
      public: true,
      tags: ['Debug'],
      summary: 'The last requests (development only)',
      description: 'Newest first, sanitised: no header is kept, secrets in bodies and queries are redacted, bodies are size-capped.',
      query: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
      responses: { 200: { description: 'The recorded requests.' } },
      async handler({ query }) {
        const items = journal.list().slice(0, (query as { limit?: number }).limit ?? journal.capacity);
        return ok({ items, capacity: journal.capacity });
      },
    },
    {
      method: 'get',
      path: '/debug/requests/{request_id}',
      operationId: 'getRecordedRequest',
      public: true,
      tags: ['Debug'],
      summary: 'One recorded request (development only), as `npm run replay` reads it',
      description: 'The newest recorded request with this `X-Request-Id`.',
      params: Type.Object(
        { request_id: Type.String({ maxLength: 128, pattern: '^[A-Za-z0-9._:-]{8,128}$' }) },
        { additionalProperties: false },
      ),
      responses: { 200: { description: 'The recorded request.' } },
      errors: ['NOT_FOUND'],
      async handler({ params }) {
        const id = (params as { request_id: string }).request_id;
        const entry = journal.find(id);
        if (!entry) {
          throw new AppError('NOT_FOUND', `No request ${id} among the last ${journal.capacity} recorded (the journal restarts empty)`);
        }
        return ok(entry);
      },
    },
  ];
}
