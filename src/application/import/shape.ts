import { AppError } from '../../domain/errors/app-error';

/**
 * Reading an export element by element: each check names the path of what is wrong
 * (`3.mapping.node-1.children`, the dotted form of every validation error of the API), so a
 * malformed file is refused with the first bad path.
 */
export function malformed(path: string, message: string): AppError {
  return new AppError('VALIDATION_ERROR', `The import file is malformed at ${path}: ${message}`, {
    details: { fields: [{ path, message, location: 'body' }] },
  });
}

export type Obj = Record<string, unknown>;

export function at(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

export function object(value: unknown, path: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed(path, 'must be an object');
  return value as Obj;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(path, 'must be an array');
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw malformed(path, 'must be a string');
  return value;
}

/** A string, or null/absent. */
export function optionalString(value: unknown, path: string): string | null {
  return value === undefined || value === null ? null : string(value, path);
}

/** A number, or null/absent. */
export function optionalNumber(value: unknown, path: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number') throw malformed(path, 'must be a number');
  return value;
}

/** An id: a non-empty string (numbers are accepted and read as text, as some exporters write them). */
export function id(value: unknown, path: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value === '') throw malformed(path, 'must be a non-empty string');
  return value;
}
