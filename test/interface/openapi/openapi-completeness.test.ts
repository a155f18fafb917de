import { expect } from 'chai';
import { ERROR_CODES, type ErrorCode } from '../../../src/domain/errors/error-codes';
import { STATUS_BY_CODE } from '../../../src/interface/http/errors/error-status';
import {
  committedDocument,
  DocumentSchemas,
  examplesOf,
  operationsOf,
  requestSchemaPointer,
  responseSchemaPointer,
  type Json,
} from '../../support/openapi-document';

/**
 * What a client generator and a frontend developer rely on in the committed `openapi/openapi.json`:
 * every operation described and exemplified, every example true to its schema, errors named by
 * their stable codes, the shared envelope and pagination schemas referenced rather than copied.
 */
describe('OpenAPI completeness (openapi/openapi.json)', () => {
  const doc = committedDocument();
  const ops = operationsOf(doc);
  const schemas = new DocumentSchemas(doc);
  const components = (doc.components as { schemas: Record<string, Json> }).schemas;

  /** Runs `check` on every operation and reports every problem at once. */
  function expectNoProblems(check: (push: (problem: string) => void, o: (typeof ops)[number]) => void): void {
    expect(ops.length).to.be.greaterThan(20);
    const problems: string[] = [];
    for (const o of ops) check((p) => problems.push(`${o.label}: ${p}`), o);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  }

  it('gives every operation a summary, a description and tags declared with a description', () => {
    const declared = new Map(((doc.tags ?? []) as { name: string; description?: string }[]).map((t) => [t.name, t.description]));
    expectNoProblems((push, { op }) => {
      if (!op.summary?.trim()) push('no summary');
      if (!op.description?.trim() || op.description.trim().length < 20) push('no real description');
      if (!op.tags || op.tags.length === 0) push('no tags');
      for (const tag of op.tags ?? []) {
        const description = declared.get(tag);
        if (!description || description === tag) push(`tag ${tag} is not declared with a description`);
      }
    });
  });

  it('has an example for every request body and every response, per status and media type', () => {
    expectNoProblems((push, { op }) => {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        if (examplesOf(media).length === 0) push(`request body ${type} has no example`);
      }
      const responses = Object.entries(op.responses ?? {});
      if (!responses.some(([status]) => status.startsWith('2'))) push('no success response');
      for (const [status, response] of responses) {
        const content = Object.entries(response.content ?? {});
        if (content.length === 0) push(`${status} has no content`);
        for (const [type, media] of content) {
          if (!media.schema) push(`${status} ${type} has no schema`);
          if (examplesOf(media).length === 0) push(`${status} ${type} has no example`);
        }
      }
    });
  });

  it('keeps every JSON example true to its schema', () => {
    expectNoProblems((push, { path, method, op }) => {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        for (const ex of examplesOf(media)) {
          for (const p of schemas.problems(requestSchemaPointer(path, method, type), ex.value)) push(`request ${ex.name}: ${p}`);
        }
      }
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (!/^application\/([\w.-]+\+)?json$/.test(type)) continue; // one JSON value (not NDJSON, SSE or text)
          for (const ex of examplesOf(media)) {
            for (const p of schemas.problems(responseSchemaPointer(path, method, status, type), ex.value)) {
              push(`${status} ${type} ${ex.name}: ${p}`);
            }
          }
        }
      }
    });
  });

  it('names a known code whose status is the response status in every error example, one example per code', () => {
    const known = new Set<string>(ERROR_CODES);
    expectNoProblems((push, { op }) => {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (Number(status) < 400) continue;
        const media = response.content?.['application/json'];
        if (!media) {
          push(`${status} has no application/json error body`);
          continue;
        }
        if (ownBody(op.operationId, status)) continue;
        // Either the shared envelope, or a narrower schema of its own whose examples are envelopes too.
        if ((media.schema as Json | undefined)?.$ref !== '#/components/schemas/ErrorEnvelope') {
          for (const ex of examplesOf(media)) {
            for (const p of schemas.problems('/components/schemas/ErrorEnvelope', ex.value))
              push(`${status} ${ex.name} is no ErrorEnvelope: ${p}`);
          }
        }
        const examples = examplesOf(media);
        if (examples.length === 0) push(`${status} has no error example`);
        for (const ex of examples) {
          const code = (ex.value as { error?: { code?: unknown } } | undefined)?.error?.code;
          if (typeof code !== 'string' || !known.has(code)) {
            push(`${status} example ${ex.name} names no known error code (${String(code)})`);
            continue;
          }
          if (String(STATUS_BY_CODE[code as ErrorCode]) !== status)
            push(`${status} example ${ex.name}: ${code} is ${STATUS_BY_CODE[code as ErrorCode]}`);
          if (ex.name !== 'example' && ex.name !== code) push(`${status} example ${ex.name} is named differently from its code ${code}`);
        }
      }
    });
  });

  it('documents 500 everywhere, auth failures on every authenticated operation and validation on every input', () => {
    expectNoProblems((push, { op }) => {
      const codes = new Set(
        Object.values(op.responses ?? {})
          .flatMap((r) => examplesOf(r.content?.['application/json'] ?? {}).map((e) => (e.value as Json)?.error))
          .map((e) => (e as { code?: string } | undefined)?.code),
      );
      if (!codes.has('INTERNAL_ERROR')) push('no INTERNAL_ERROR');
      const authenticated = ((op as { security?: unknown[] }).security ?? []).length > 0;
      if (authenticated) for (const c of ['AUTH_REQUIRED', 'AUTH_INVALID', 'AUTH_EXPIRED']) if (!codes.has(c)) push(`no ${c}`);
      if (op.requestBody)
        for (const c of ['INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_ERROR'])
          if (!codes.has(c)) push(`no ${c}`);
      if ((op.parameters ?? []).length > 0 && !codes.has('VALIDATION_ERROR')) push('no VALIDATION_ERROR for its parameters');
      for (const status of ['429', '503']) {
        const r = op.responses?.[status];
        if (r && !ownBody(op.operationId, status) && !r.headers?.['Retry-After']) push(`${status} does not document Retry-After`);
      }
    });
  });

  it('shares the envelope: enveloped successes reference SuccessEnvelope, lists reference Pagination', () => {
    expect(components.SuccessEnvelope, 'SuccessEnvelope component').to.be.an('object');
    expect(components.ErrorEnvelope, 'ErrorEnvelope component').to.be.an('object');
    expect(components.Pagination, 'Pagination component').to.be.an('object');
    let lists = 0;
    expectNoProblems((push, { path, op }) => {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!status.startsWith('2')) continue;
        const schema = response.content?.['application/json']?.schema as Json | undefined;
        if (!schema || !path.startsWith('/v1/') || NOT_ENVELOPED.includes(op.operationId ?? '')) continue;
        const allOf = schema.allOf as Json[] | undefined;
        if (allOf?.[0]?.$ref !== '#/components/schemas/SuccessEnvelope') {
          push(`${status} does not reference SuccessEnvelope`);
          continue;
        }
        const data = ((allOf[1]?.properties ?? {}) as Record<string, Json>).data;
        const props = (data?.properties ?? {}) as Record<string, Json>;
        if (props.items) {
          lists += 1;
          if (props.pagination?.$ref !== '#/components/schemas/Pagination' && !('count' in props))
            push(`${status} is a list without a $ref to Pagination`);
        }
      }
    });
    expect(lists, 'list responses seen').to.be.greaterThan(0);
  });

  it('describes the chat streams: media type, event schemas and example events that parse', () => {
    const streams = ops.flatMap((o) =>
      Object.entries(o.op.responses ?? {}).flatMap(([status, r]) =>
        Object.entries(r.content ?? {})
          .filter(([type]) => type === 'text/event-stream')
          .map(([, media]) => ({ label: `${o.label} ${status}`, media })),
      ),
    );
    expect(streams.map((s) => s.label)).to.include.members([
      'POST /v1/chat/completions 200',
      'POST /v1/chat/regenerate 200',
      'POST /v1/messages/{id}/regenerate 200',
    ]);
    expect(components.ChatCompletionChunk).to.be.an('object');
    expect(components.ChatStreamError).to.be.an('object');
    for (const { label, media } of streams) {
      const refs = JSON.stringify((media.schema as Json)['x-sse-data']);
      expect(refs, label).to.contain('#/components/schemas/ChatCompletionChunk').and.contain('#/components/schemas/ChatStreamError');
      for (const ex of examplesOf(media)) {
        const events = sseDataOf(String(ex.value));
        expect(events.at(-1), `${label}: the last event`).to.equal('[DONE]');
        for (const data of events.slice(0, -1)) {
          const value = JSON.parse(data) as Json;
          const schema = 'error' in value ? 'ChatStreamError' : 'ChatCompletionChunk';
          expect(schemas.problems(`/components/schemas/${schema}`, value), `${label}: ${data}`).to.deep.equal([]);
        }
      }
    }
  });

  it('states the versioning policy and documents the deprecation headers of deprecated operations', () => {
    const description = String((doc.info as Json).description);
    for (const term of ['## Versioning', '/v1', '/v2', 'Breaking', 'Deprecation', 'Sunset', 'successor-version']) {
      expect(description, term).to.contain(term);
    }
    const deprecated = ops.filter((o) => o.op.deprecated);
    expect(deprecated.map((o) => o.path)).to.have.members(['/live', '/ready']);
    for (const { label, op } of deprecated) {
      expect(op.description, label).to.match(/Deprecated since \d{4}-\d{2}-\d{2}: use `GET \/health\/(live|ready)`/);
      expect(Object.keys(op.responses?.['200']?.headers ?? {}), label).to.include.members(['Deprecation', 'Link']);
    }
  });
});

/** The `data:` payloads of an SSE text, in order (comments skipped). */
function sseDataOf(text: string): string[] {
  return text
    .split('\n\n')
    .map((block) =>
      block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter((data) => data !== '');
}

/** `/v1` successes outside the envelope: the OpenAI `chat.completion` object, and a file download. */
const NOT_ENVELOPED = ['createChatCompletion', 'exportConversations'];

/** The health checks answer 503 with their own body (kept from the previous gateway), not the error envelope. */
function ownBody(operationId: string | undefined, status: string): boolean {
  return status === '503' && ['getHealth', 'getReadiness', 'getReadinessLegacy'].includes(operationId ?? '');
}
