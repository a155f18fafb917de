import { Ajv, type ErrorObject, type Options, type SchemaValidateFunction, type ValidateFunction } from 'ajv';
import type { TSchema } from 'typebox';
import addFormats from 'ajv-formats';

/**
 * Bounds a free-form value (a record of unknown values, such as client settings) by its size as
 * JSON, which no standard keyword can: `maxLength` and `maxItems` need a known shape.
 */
export const MAX_BYTES_KEYWORD = 'x-max-bytes';

/**
 * One way to build a JSON-schema validator for TypeBox schemas. Bodies are validated without
 * coercion and without removing unknown properties (those must be rejected, not silently dropped);
 * query strings and path parameters arrive as text and need `coerceTypes`.
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  const maxBytes: SchemaValidateFunction = (limit: number, data: unknown) => {
    if (data === undefined || jsonBytesAtMost(data, limit)) return true;
    maxBytes.errors = [{ keyword: MAX_BYTES_KEYWORD, message: `must NOT be larger than ${limit} bytes as JSON`, params: { limit } }];
    return false;
  };
  ajv.addKeyword({ keyword: MAX_BYTES_KEYWORD, schemaType: 'number', errors: true, validate: maxBytes });
  return ajv;
}

/** A value that cannot be serialised (too deep, a cycle) is over any limit, never an exception. */
function jsonBytesAtMost(data: unknown, limit: number): boolean {
  try {
    return Buffer.byteLength(JSON.stringify(data)) <= limit;
  } catch {
    return false;
  }
}

/** At most this many errors are reported for one value. */
export const MAX_REPORTED_ERRORS = 20;
/** Every error is collected only for values this small; a larger one reports its first error. */
const ALL_ERRORS_MAX_NODES = 2000;

/** Whether `value` has at most `limit` values (itself, every element and property), counted without recursion. */
function hasAtMostNodes(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  let count = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    count += 1;
    if (count > limit) return false;
    if (node === null || typeof node !== 'object') continue;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (count + stack.length + children.length > limit) return false;
    for (const child of children) stack.push(child);
  }
  return true;
}

/** A compiled check of untrusted input: `[]` when the value is valid, else at most MAX_REPORTED_ERRORS errors. */
export type BoundedValidator = (value: unknown) => ErrorObject[];

/**
 * Validators for untrusted input with a bounded error list. Ajv's `allErrors` collects one error per
 * bad element with no cap, so a body of 100,000 bad items would build (and report) 100,000 errors.
 * Here the first error is found by a validator that stops at it; every error (up to the cap) is
 * collected only when the value is small enough for that to be cheap. Valid input is checked once.
 */
export function boundedValidators(options: Options = {}): (schema: TSchema) => BoundedValidator {
  const firstError = createAjv({ ...options, allErrors: false });
  const allErrors = createAjv({ ...options, allErrors: true });
  return (schema) => {
    const first = firstError.compile(schema);
    let all: ValidateFunction | undefined;
    return (value) => {
      if (first(value)) return [];
      if (!hasAtMostNodes(value, ALL_ERRORS_MAX_NODES)) return (first.errors ?? []).slice(0, MAX_REPORTED_ERRORS);
      all ??= allErrors.compile(schema);
      return (all(value) ? [] : (all.errors ?? [])).slice(0, MAX_REPORTED_ERRORS);
    };
  };
}

export interface FieldError {
  path: string;
  message: string;
}

/** Ajv errors as `{path, message}` pairs, `path` in dotted form (`messages.0.content`). */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, root = ''): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let path = e.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      path = path ? `${path}.${missing}` : missing;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      path = path ? `${path}.${extra}` : extra;
      message = 'is not allowed';
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    }
    const full = [root, path].filter(Boolean).join('.') || root || '(root)';
    const key = `${full}|${message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path: full, message });
    }
  }
  return out;
}
