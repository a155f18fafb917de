import type { ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { OPENAPI_FILE } from '../../scripts/generate-openapi';
import { createAjv } from '../../src/support/json-schema';

export type Json = Record<string, unknown>;

export interface Media {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { summary?: string; value?: unknown }>;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  deprecated?: boolean;
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { description?: string; headers?: Record<string, unknown>; content?: Record<string, Media> }>;
}

export interface DocumentedOperation {
  method: string;
  path: string;
  label: string;
  op: Operation;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The committed `openapi/openapi.json`: what client generators read. */
export function committedDocument(): Json {
  return JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Json;
}

export function operationsOf(doc: Json): DocumentedOperation[] {
  const out: DocumentedOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.includes(method)) out.push({ method, path, label: `${method.toUpperCase()} ${path}`, op });
    }
  }
  return out;
}

/** Every example of a media type: the single `example` and each of `examples`, by name. */
export function examplesOf(media: Media): { name: string; value: unknown }[] {
  const out: { name: string; value: unknown }[] = [];
  if (media.example !== undefined) out.push({ name: 'example', value: media.example });
  for (const [name, ex] of Object.entries(media.examples ?? {})) out.push({ name, value: ex.value });
  return out;
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON pointer of the schema of one media type of one response. */
export function responseSchemaPointer(path: string, method: string, status: string, mediaType: string): string {
  return ['', 'paths', path, method, 'responses', status, 'content', mediaType, 'schema'].map(escapePointer).join('/');
}

export function requestSchemaPointer(path: string, method: string, mediaType: string): string {
  return ['', 'paths', path, method, 'requestBody', 'content', mediaType, 'schema'].map(escapePointer).join('/');
}

/**
 * Validates values against schemas of the document, `$ref`s to its components included. The
 * document's extension keywords (`x-sse-data`, `example`) are ignored.
 */
export class DocumentSchemas {
  private readonly ajv = createAjv({ strictSchema: false, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: Json) {
    this.ajv.addSchema(document, 'openapi.json');
  }

  /** Problems of `value` against the schema at `pointer`, as `path: message` lines (empty when valid). */
  problems(pointer: string, value: unknown): string[] {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json#${pointer.split('/').map(encodeURIComponent).join('/')}` });
      this.compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`);
  }
}
