import { Type } from 'typebox';
import { AppError } from '../../../domain/errors/app-error';
import { REQUEST_JOURNAL } from '../../../ports/request-journal.port';
import type { UserContext } from '../../../domain/user/user-context';
import type { RecordedRequest } from '../../../ports/request-journal.port';
import type { RouteDeps } from '../routing/route-deps';
import { ok, type RouteInput, type RouteSpec } from '../routing/route-spec';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * A caller on this machine: the socket's own peer (never `X-Forwarded-For`, which anyone can write)
 * is a loopback address, and no proxy relayed the request (a local proxy would make every remote
 * client look local).
 */
export function isLocalCaller(koa: Pick<RouteInput['koa'], 'req' | 'get'>): boolean {
  const peer = koa.req.socket.remoteAddress ?? '';
  return LOOPBACK.has(peer) && !koa.get('X-Forwarded-For') && !koa.get('Forwarded');
}

/**
 * Whose entries a caller may read: every entry from this machine; elsewhere only the caller's own,
 * with a valid token. The journal holds other users' messages: anonymous remote callers get nothing.
 */
function visibleTo(input: Pick<RouteInput, 'koa' | 'user'>): (entry: RecordedRequest) => boolean {
  if (isLocalCaller(input.koa)) return () => true;
  const user = input.user as UserContext | undefined;
  if (!user) {
    throw new AppError(
      'AUTH_REQUIRED',
      'The request journal answers callers on this machine; from elsewhere, send your access token to see your own requests',
    );
  }
  return (entry) => entry.user_id === user.userId;
}

const ACCESS =
  'From this machine (a loopback peer, not relayed by a proxy) every entry; from elsewhere only the calling user’s own, with a valid token (401 without one).';

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
      description: `Newest first, sanitised: no header is kept, secrets in bodies and queries are redacted, bodies are size-capped. ${ACCESS}`,
      query: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
      responses: { 200: { description: 'The recorded requests.' } },
      errors: ['AUTH_REQUIRED'],
      async handler(input) {
        const visible = visibleTo(input);
        const items = journal
          .list()
          .filter(visible)
          .slice(0, (input.query as { limit?: number }).limit ?? journal.capacity);
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
      description: `The newest recorded request with this \`X-Request-Id\`. ${ACCESS}`,
      params: Type.Object(
        { request_id: Type.String({ maxLength: 128, pattern: '^[A-Za-z0-9._:-]{8,128}$' }) },
        { additionalProperties: false },
      ),
      responses: { 200: { description: 'The recorded request.' } },
      errors: ['NOT_FOUND', 'AUTH_REQUIRED'],
      async handler(input) {
        const visible = visibleTo(input);
        const id = (input.params as { request_id: string }).request_id;
        const entry = journal.find(id);
        // Another user's request is as absent as an unknown one.
        if (!entry || !visible(entry)) {
          throw new AppError('NOT_FOUND', `No request ${id} among the last ${journal.capacity} recorded (the journal restarts empty)`);
        }
        return ok(entry);
      },
    },
  ];
}
