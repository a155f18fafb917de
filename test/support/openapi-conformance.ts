import type { Middleware } from 'openapi-fetch';
import { committedDocument, DocumentSchemas, responseSchemaPointer, type Json, type Operation } from './openapi-document';

/**
 * Checks every answer a generated client receives against the committed OpenAPI document: the
 * operation, status and media type must be documented and a JSON body must match its schema. So a
 * server that drifts from its spec fails the test even where the compiler cannot see it.
 */
export class ResponseConformance {
  readonly problems: string[] = [];
  readonly checked: string[] = [];
  private readonly doc: Json;
  private readonly schemas: DocumentSchemas;

  constructor(doc: Json = committedDocument()) {
    this.doc = doc;
    this.schemas = new DocumentSchemas(doc);
  }

  readonly middleware: Middleware = {
    onResponse: async ({ schemaPath, request, response }) => {
      await this.check(schemaPath, request.method.toLowerCase(), response);
      return undefined;
    },
  };

  async check(path: string, method: string, response: Response): Promise<void> {
    const label = `${method.toUpperCase()} ${path} ${response.status}`;
    this.checked.push(label);
    const op = (this.doc.paths as Record<string, Record<string, Operation>>)[path]?.[method];
    const documented = op?.responses?.[String(response.status)];
    if (!documented) {
      this.problems.push(`${label}: not documented`);
      return;
    }
    if (!response.headers.get('x-request-id')) this.problems.push(`${label}: no X-Request-Id`);
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!documented.content?.[type]) {
      this.problems.push(`${label}: media type ${type || '(none)'} not documented`);
      return;
    }
    if (type !== 'application/json' && !type.endsWith('+json')) return; // NDJSON, SSE, Markdown: not one JSON value
    const body: unknown = await response.clone().json();
    for (const p of this.schemas.problems(responseSchemaPointer(path, method, String(response.status), type), body)) {
      this.problems.push(`${label}: ${p}`);
    }
  }
}
