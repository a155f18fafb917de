import type { ParameterizedContext } from 'koa';
import type { TSchema } from 'typebox';
import type { DependencyContainer } from 'tsyringe';
import type { ErrorCode } from '../../../domain/errors/error-codes';
import type { UserContext } from '../../../domain/user/user-context';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  /** Schema of `data` for envelope responses, of the whole body otherwise. */
  schema?: TSchema;
  example?: unknown;
  /** Wrapped in `{success, data}` (default) or sent as is (health checks, OpenAI objects). */
  envelope?: boolean;
  /** Media type when not JSON (e.g. `text/event-stream`), with a textual example. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: TSchema }>;
  /** More media types the same status may carry (e.g. JSON besides an event stream). */
  alternatives?: { contentType: string; schema?: TSchema; example?: unknown; envelope?: boolean }[];
}

export interface RouteInput<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  params: P;
  query: Q;
  body: B;
  /** Set on every authenticated route (all of /v1). */
  user: UserContext | undefined;
  requestId: string;
  /**
   * The service's container, for ad-hoc routes only (tests). A route module takes its use cases
   * once, from RouteDeps, when its routes are built.
   */
  container: DependencyContainer;
  /** Aborted when the client goes away: pass it to long upstream calls. */
  signal: AbortSignal;
  koa: ParameterizedContext;
}

export type RouteReply =
  | { kind: 'envelope'; status: number; data: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status: number; body: unknown; headers?: Record<string, string> }
  /** The handler wrote the response itself (streams, downloads). */
  | { kind: 'handled' };

export interface Deprecation {
  /** ISO date from which the operation is deprecated. */
  since: string;
  /** Path of the operation to use instead. */
  successor: string;
  /** ISO date after which it may be removed (RFC 8594 `Sunset`); absent while no date is fixed. */
  sunset?: string;
}

/**
 * The per-user limit an operation counts against (RATE_LIMIT_CHAT, _BATCH, _READS, _WRITES), or
 * `exempt` for probes, scrapes and documentation, which no limit ever refuses.
 */
export type EndpointClass = 'chat' | 'batch' | 'reads' | 'writes';
export type RateLimitClass = EndpointClass | 'exempt';

export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI form: `/v1/conversations/{id}`. */
  path: string;
  /**
   * The router's pattern when it differs from `path`'s, e.g. `/v1/models/*model_id/info` for a
   * parameter that may span several segments (a model id with unencoded `/`).
   */
  routerPath?: string;
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  /** Public routes need no token; everything under /v1 is authenticated whatever this says. */
  public?: boolean;
  /** Which rate limit applies; by default `reads` for GET and `writes` for every other method. */
  rateLimit?: RateLimitClass;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  bodyExample?: unknown;
  /**
   * A body the handler reads itself as a stream (an uploaded file): documented with this schema,
   * never parsed or validated before the handler, and exempt from BODY_LIMIT_BYTES.
   */
  rawBody?: { contentType: string; schema: TSchema; example?: unknown };
  responses: Record<number, ResponseSpec>;
  /** Error codes this operation can answer besides the generic ones added for auth and bodies. */
  errors?: ErrorCode[];
  /**
   * An operation kept for old clients: documented as deprecated, and every answer carries
   * `Deprecation: @<since>` (RFC 9745) and `Link: <successor>; rel="successor-version"`.
   */
  deprecated?: Deprecation;
  // The handler validates nothing: params, query and body arrive already checked against the schemas.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler(input: RouteInput<any, any, any>): Promise<RouteReply>;
}

/** What a route says about itself (the OpenAPI operation), without its handler. */
export type RouteDoc = Omit<RouteSpec, 'handler'>;

export function ok(data: unknown, status = 200, headers?: Record<string, string>): RouteReply {
  return { kind: 'envelope', status, data, headers };
}

export function raw(body: unknown, status = 200, headers?: Record<string, string>): RouteReply {
  return { kind: 'raw', status, body, headers };
}

export const HANDLED: RouteReply = { kind: 'handled' };

/** Headers of a deprecated operation's answers (RFC 9745, RFC 8594, RFC 8288). */
export function deprecationHeaders(d: Deprecation): Record<string, string> {
  return {
    Deprecation: `@${Math.floor(Date.parse(d.since) / 1000)}`,
    Link: `<${d.successor}>; rel="successor-version"`,
    ...(d.sunset ? { Sunset: new Date(d.sunset).toUTCString() } : {}),
  };
}

/**
 * The limit class of an operation: what its spec says, else by method. Requests that match no
 * operation (404, 405) are classed by their method alone. Never derived from the raw path, which a
 * client can spell in ways the router does not serve.
 */
export function rateLimitClassOf(spec: Pick<RouteSpec, 'rateLimit'> & { method: string }): RateLimitClass {
  if (spec.rateLimit) return spec.rateLimit;
  const method = spec.method.toLowerCase();
  return method === 'get' || method === 'head' ? 'reads' : 'writes';
}

export function isAuthenticatedPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/');
}

export function requiresAuth(spec: Pick<RouteSpec, 'path' | 'public'>): boolean {
  return isAuthenticatedPath(spec.path) || !spec.public;
}

/** `/v1/conversations/{id}` -> `/v1/conversations/:id` (the router's syntax). */
export function toRouterPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/** The caller of an authenticated route (the router guarantees it; this keeps handlers honest). */
export function userOf(input: Pick<RouteInput, 'user'>): UserContext {
  if (!input.user) throw new Error('userOf() called on a route that is not authenticated');
  return input.user;
}
