import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * One way to build a JSON-schema validator for TypeBox schemas. Bodies are validated without
 * coercion and without removing unknown properties (those must be rejected, not silently dropped);
 * query strings and path parameters arrive as text and need `coerceTypes`.
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
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
