import type { TSchema } from 'typebox';
import type { ErrorCode } from '../../domain/errors/error-codes';
import { DEFAULT_MESSAGE, STATUS_BY_CODE } from '../http/errors/error-status';
import { COMPONENT_KEY, ErrorEnvelopeSchema } from '../http/schemas/common.schemas';
import { requiresAuth, type RouteSpec } from '../http/routing/route-spec';

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
  Docs: 'This document and its viewer.',
};

const API_DESCRIPTION = `The API gateway of the AI chat platform.

## Authentication
Send the Supabase access token of the signed-in user as \`Authorization: Bearer <token>\`. Every \`/v1\` operation requires it.

## Envelope
Success: \`{"success": true, "data": ...}\`; lists: \`data = {items, pagination: {page, limit, total, pages}}\`.
Errors: \`{"success": false, "error": {message, code, details?, request_id}}\`. Branch on \`code\`, never on \`message\`.
Every response carries \`X-Request-Id\`. Exceptions: the health checks and the OpenAI-compatible chat objects.

## Versioning
All operations live under \`/v1\`. Within \`/v1\` changes are additive only: new operations, new optional request fields,
new response fields, new error codes for new situations. Clients must ignore unknown response fields.
Breaking changes (removing or renaming a field, operation or code, tightening validation of existing input, changing a type
or a status code) only come with a new prefix (\`/v2\`), served beside \`/v1\` for at least six months. An operation that
is going away is marked \`deprecated\` here first and answers with \`Deprecation\` and \`Sunset\` headers (RFC 9745 / RFC 8594)
and a \`Link: <...>; rel="successor-version"\` header.`;

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
    components[name] = out;
    return { $ref: `#/components/schemas/${name}` };
  }
  return out;
}

function plain(schema: TSchema, components: Record<string, Json>): Json {
  return extractComponents(JSON.parse(JSON.stringify(schema)), components) as Json;
}

function implicitErrors(spec: RouteSpec): ErrorCode[] {
  const codes: ErrorCode[] = [];
  if (requiresAuth(spec)) codes.push('AUTH_REQUIRED', 'AUTH_INVALID', 'AUTH_EXPIRED');
  if (spec.body) codes.push('INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_ERROR');
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
  const schema = envelope ? { type: 'object', required: ['success', 'data'], properties: { success: { const: true }, data } } : data;
  const example = envelope ? { success: true, data: r.example } : r.example;
  return ['application/json', { schema, ...(r.example !== undefined ? { example } : {}) }];
}

function successResponses(spec: RouteSpec, components: Record<string, Json>): Json {
  const responses: Json = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const headers: Json = { 'X-Request-Id': REQUEST_ID_HEADER };
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
    : {};
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
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
