import { Type } from 'typebox';
import { AppError } from '../../src/domain/errors/app-error';
import { ok, type RouteSpec } from '../../src/interface/http/routing/route-spec';

type Handler = RouteSpec['handler'];

/** A RouteSpec with the documentation fields filled in, for routes tests mount beside the real ones. */
export function testRoute(spec: Pick<RouteSpec, 'method' | 'path'> & Partial<RouteSpec> & { handler: Handler }): RouteSpec {
  return {
    operationId: `test_${spec.method}_${spec.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
    summary: 'Test probe',
    description: 'Mounted by a test.',
    tags: ['Test'],
    responses: { 200: { description: 'OK.' } },
    ...spec,
  };
}

/** Declared public on purpose: everything under /v1 must still demand a token. */
export const PUBLIC_V1_PROBE = testRoute({
  method: 'get',
  path: '/v1/test-probe',
  public: true,
  async handler({ user }) {
    return ok({ user_id: user?.userId ?? null });
  },
});

export const ItemParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const ItemQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) });
export const ItemBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 20 }),
    count: Type.Integer({ minimum: 1, maximum: 10 }),
    kind: Type.Enum(['note', 'task']),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 5 }), { maxItems: 3 })),
    done: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** A write with a path param, a query param and a strict body: what every resource route looks like. */
export const ITEM_ROUTE = testRoute({
  method: 'post',
  path: '/v1/test-items/{id}',
  params: ItemParams,
  query: ItemQuery,
  body: ItemBody,
  async handler({ params, query, body, user }) {
    return ok({ params, query, body, user_id: user?.userId }, 201);
  },
});

export const BOOM_ROUTE = testRoute({
  method: 'get',
  path: '/v1/test-boom',
  async handler() {
    throw new Error('connection to db-internal.example:5432 failed for user gateway');
  },
});

export const RETRY_AFTER_ROUTE = testRoute({
  method: 'get',
  path: '/v1/test-slow-down',
  async handler() {
    throw new AppError('RATE_LIMITED', 'Too many requests', { retryAfterSeconds: 7 });
  },
});

export const UNAVAILABLE_ROUTE = testRoute({
  method: 'get',
  path: '/v1/test-unavailable',
  async handler() {
    throw new AppError('UPSTREAM_UNAVAILABLE', 'The conversation store is unavailable', { retryAfterSeconds: 2.2 });
  },
});
