import type { TSchema } from 'typebox';
import type { ErrorCode } from '../../domain/errors/error-codes';
import { DEFAULT_MESSAGE, STATUS_BY_CODE } from '../http/errors/error-status';
import { COMPONENT_KEY, ErrorEnvelopeSchema, SuccessEnvelopeSchema } from '../http/schemas/common.schemas';
import { rateLimitClassOf, requiresAuth, type RouteSpec } from '../http/routing/route-spec';

type Json = Record<string, unknown>;

export interface OpenApiInfo {
  version: string;
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  Health: 'Liveness, readiness and dependency health. No authentication; not wrapped in the envelope.',
  Chat: 'Streaming chat completions (OpenAI-compatible) and regeneration.',
  Conversations: 'Conversations, their branches and full message trees.',
  Messages: 'Single messages: read, edit, regenerate.',
  Models: 'The model catalogue with pricing, context limits and capabilities.',
  User: "The caller's profile, balance, usage and statistics.",
  Batch: 'Batch updates, confirmed mass deletion and export.',
  Import: 'Bringing conversations in from ChatGPT, Claude and gateway exports.',
  Docs: 'This document and its viewer.',
};

const API_DESCRIPTION = `The API gateway of the AI chat platform: conversations with branches, streamed model replies, the model catalogue and the caller's account.
Guides: \`docs/integration-guide.md\` (frontend) and \`docs/migration-guide.md\` (from the previous gateway) in the repository.

## Authentication
Send the Supabase access token of the signed-in user (\`session.access_token\`) as \`Authorization: Bearer <token>\`. Every \`/v1\` operation requires it.
\`401 AUTH_EXPIRED\`: refresh the session and retry once. \`AUTH_INVALID\` / \`AUTH_REQUIRED\`: sign the user in again.

## Envelope
Success: \`{"success": true, "data": ...}\` (schema \`SuccessEnvelope\`, each operation narrows \`data\`); lists: \`data = {items, pagination}\` with \`Pagination = {page, limit, total, pages}\`.
Errors: \`{"success": false, "error": {message, code, details?, request_id}}\` (schema \`ErrorEnvelope\`). Branch on \`code\`, never on \`message\`; every operation lists the codes it can answer, with an example each.
\`429 RATE_LIMITED\` and \`503\` carry \`Retry-After\` (seconds) when the wait is known. Every response carries \`X-Request-Id\`: quote it when reporting a problem.
Not wrapped: everything outside \`/v1\` (the health checks, kept as the previous gateway served them, \`/metrics\`, \`/openapi.json\`, \`/docs\`) and the OpenAI-compatible chat objects.

## Streaming
\`POST /v1/chat/completions\` streams by default (and both regenerate operations with \`stream: true\`) as \`text/event-stream\`: \`data: <ChatCompletionChunk>\` events, \`: ping\` comments while the model is silent,
\`data: <ChatStreamError>\` when a failure happens after the stream started, and always \`data: [DONE]\` last. Read it with \`fetch\` and a stream reader:
\`EventSource\` cannot send the \`Authorization\` header. The official OpenAI SDKs work unchanged with \`baseURL = <gateway>/v1\` and the access token as API key.

## Versioning
All operations live under \`/v1\`. Within \`/v1\` changes are additive only: new operations, new optional request fields, new response fields,
new error codes for new situations, new values of fields documented as open (e.g. \`mode\`, \`finish_reason\`). Clients must ignore unknown response fields.
Breaking changes (removing or renaming a field, operation or code, making an optional request field required, tightening validation of existing input,
changing a type, a default or a status code) only come with a new prefix (\`/v2\`), served beside \`/v1\` for at least six months.
An operation that is going away is first marked \`deprecated\` here, and its successful answers carry \`Deprecation: @<unix time>\` (RFC 9745) and
\`Link: <successor>; rel="successor-version"\`; once a removal date is fixed (at least six months later) it also carries \`Sunset: <HTTP date>\` (RFC 8594).
Today the previous gateway's \`/live\` and \`/ready\` are deprecated in favour of \`/health/live\` and \`/health/ready\`, with no removal date.`;

/** Replaces every sub-schema marked as a component by a `$ref`, collecting the component. */
function extractComponents(schema: unknown, components: Record<string, Json>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => extractComponents(s, components));
  if (!schema || typeof schema !== 'object') return schema;
  const obj = schema as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k !== COMPONENT_KEY) out[k] = extractComponents(v, components);
  }
  const name = obj[COMPONENT_KEY];
  if (typeof name === 'string') {
    // The same schema reused is one component; two different schemas under one name would silently
    // replace each other in the document, so the build fails instead.
    const existing = Object.hasOwn(components, name) ? components[name] : undefined;
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(out)) {
      throw new Error(`Two different schemas are both named component "${name}": rename one`);
    }
    components[name] = out;
    return { $ref: `#/components/schemas/${name}` };
  }
  return out;
}

function plain(schema: TSchema, components: Record<string, Json>): Json {
  return extractComponents(JSON.parse(JSON.stringify(schema)), components) as Json;
}

/** Codes the middleware can answer on an operation, whatever its handler does. */
function implicitErrors(spec: RouteSpec): ErrorCode[] {
  const codes: ErrorCode[] = [];
  // Verifying an ES256/RS256 token may need the project's signing keys (JWKS): down, or unusable.
  if (requiresAuth(spec)) codes.push('AUTH_REQUIRED', 'AUTH_INVALID', 'AUTH_EXPIRED', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_CONTRACT');
  if (rateLimitClassOf(spec) !== 'exempt') codes.push('RATE_LIMITED');
  if (spec.body || spec.rawBody)
    codes.push('INVALID_JSON', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_ERROR');
  if (spec.params || spec.query) codes.push('VALIDATION_ERROR');
  codes.push('INTERNAL_ERROR');
  return codes;
}

function errorExample(code: ErrorCode): Json {
  const error: Json = { message: DEFAULT_MESSAGE[code], code, request_id: 'a1b2c3d4-0000-4000-8000-000000000000' };
  if (code === 'VALIDATION_ERROR')
    error.details = { fields: [{ path: 'title', message: 'must NOT have more than 200 characters', location: 'body' }] };
  if (code === 'INSUFFICIENT_BALANCE') error.details = { available_balance: 0, max_budget: 10 };
  if (code === 'UNSUPPORTED_MEDIA_TYPE') error.details = { received: 'text/plain' };
  if (code === 'RATE_LIMITED') error.details = { class: 'chat', limit: 30 };
  return { success: false, error };
}

function parameters(spec: RouteSpec, components: Record<string, Json>): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const s = plain(schema, components) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || (s.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return out;
}

const REQUEST_ID_HEADER = { $ref: '#/components/headers/XRequestId' };

const DEPRECATION_HEADERS: Json = {
  Deprecation: { description: 'RFC 9745: since when the operation is deprecated, e.g. `@1795824000`.', schema: { type: 'string' } },
  Link: { description: 'The operation to use instead: `<path>; rel="successor-version"`.', schema: { type: 'string' } },
};

function mediaType(
  r: { contentType?: string; schema?: TSchema; example?: unknown; envelope?: boolean },
  components: Record<string, Json>,
): [string, Json] {
  if (r.contentType && r.contentType !== 'application/json') {
    return [
      r.contentType,
      { schema: r.schema ? plain(r.schema, components) : { type: 'string' }, ...(r.example !== undefined ? { example: r.example } : {}) },
    ];
  }
  const envelope = r.envelope !== false;
  const data = r.schema ? plain(r.schema, components) : {};
  const schema = envelope
    ? { allOf: [{ $ref: '#/components/schemas/SuccessEnvelope' }, { type: 'object', required: ['data'], properties: { data } }] }
    : data;
  const example = envelope ? { success: true, data: r.example } : r.example;
  return ['application/json', { schema, ...(r.example !== undefined ? { example } : {}) }];
}

function successResponses(spec: RouteSpec, components: Record<string, Json>): Json {
  const responses: Json = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const headers: Json = { 'X-Request-Id': REQUEST_ID_HEADER, ...(spec.deprecated ? DEPRECATION_HEADERS : {}) };
    for (const [name, h] of Object.entries(r.headers ?? {}))
      headers[name] = { description: h.description, schema: plain(h.schema, components) };
    const media = [r, ...(r.alternatives ?? [])].filter((m) => m.schema !== undefined || m.example !== undefined);
    responses[status] = {
      description: r.description,
      headers,
      ...(media.length > 0 ? { content: Object.fromEntries(media.map((m) => mediaType(m, components))) } : {}),
    };
  }
  return responses;
}

function errorResponses(spec: RouteSpec, documented: Json): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...(spec.errors ?? []), ...implicitErrors(spec)]) {
    const status = STATUS_BY_CODE[code];
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  const responses: Json = {};
  for (const [status, codes] of [...byStatus.entries()].sort((a, b) => a[0] - b[0])) {
    if (documented[status]) continue; // a response of its own (e.g. the 503 of /health)
    const headers: Json = { 'X-Request-Id': REQUEST_ID_HEADER };
    if (status === 429 || status === 503)
      headers['Retry-After'] = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } };
    const examples = Object.fromEntries(codes.map((c) => [c, { summary: DEFAULT_MESSAGE[c], value: errorExample(c) }]));
    responses[status] = {
      description: `Error: ${codes.join(', ')}.`,
      headers,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' }, examples } },
    };
  }
  return responses;
}

function operation(spec: RouteSpec, components: Record<string, Json>): Json {
  const success = successResponses(spec, components);
  const body = spec.body
    ? {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: plain(spec.body, components),
              ...(spec.bodyExample !== undefined ? { example: spec.bodyExample } : {}),
            },
          },
        },
      }
    : spec.rawBody
      ? {
          requestBody: {
            required: true,
            content: {
              [spec.rawBody.contentType]: {
                schema: plain(spec.rawBody.schema, components),
                ...(spec.rawBody.example !== undefined ? { example: spec.rawBody.example } : {}),
              },
            },
          },
        }
      : {};
  const deprecation = spec.deprecated
    ? `\n\nDeprecated since ${spec.deprecated.since}: use \`${spec.method.toUpperCase()} ${spec.deprecated.successor}\`, which answers the same. ` +
      (spec.deprecated.sunset
        ? `It may be removed after ${spec.deprecated.sunset}.`
        : 'No removal date is fixed; it keeps working until one is announced.')
    : '';
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description + deprecation,
    tags: spec.tags,
    ...(spec.deprecated ? { deprecated: true } : {}),
    security: requiresAuth(spec) ? [{ bearerAuth: [] }] : [],
    ...(spec.params || spec.query ? { parameters: parameters(spec, components) } : {}),
    ...body,
    responses: { ...success, ...errorResponses(spec, success) },
  };
}

/** The OpenAPI 3.1 document of the given routes: the route schemas are its single source. */
export function buildOpenApiDocument(routes: readonly RouteSpec[], info: OpenApiInfo): Json {
  const components: Record<string, Json> = {};
  plain(SuccessEnvelopeSchema, components);
  plain(ErrorEnvelopeSchema, components);
  const paths: Record<string, Json> = {};
  const tags = new Set<string>();
  for (const spec of routes) {
    spec.tags.forEach((t) => tags.add(t));
    paths[spec.path] = { ...(paths[spec.path] ?? {}), [spec.method]: operation(spec, components) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'AI Chat Gateway API', version: info.version, description: API_DESCRIPTION },
    servers: [{ url: '/', description: 'This gateway' }],
    tags: [...tags].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The Supabase access token of the signed-in user.',
        },
      },
      headers: {
        XRequestId: {
          description: 'Request id: echoed when the request sent a sane one, else new. Quote it when reporting a problem.',
          schema: { type: 'string' },
        },
      },
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
