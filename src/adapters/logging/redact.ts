/** Field names whose values are never logged, whatever object they appear in. */
const SECRET_FIELD =
  /^(authorization|cookie|set-cookie|apikey|api[-_]?key|x-api-key|token|access[-_]?token|refresh[-_]?token|password|secret|litellm[-_]?key|master[-_]?key|service[-_]?key|jwt)$/i;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const LITELLM_KEY = /\bsk-[A-Za-z0-9_-]{8,}/g;

export const REDACTED = '[REDACTED]';
export const TRUNCATED = '[TRUNCATED]';

/** Cheap filter: a string none of the patterns can match is left as it is without three regex passes. */
const MAY_HOLD_TOKEN = /bearer|eyJ|sk-/i;

function redactString(value: string, secrets: readonly string[]): string {
  let out = MAY_HOLD_TOKEN.test(value)
    ? value.replace(BEARER, `$1 ${REDACTED}`).replace(JWT_LIKE, REDACTED).replace(LITELLM_KEY, REDACTED)
    : value;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * A deep copy of a log record with secrets removed: known secret field names, bearer tokens,
 * anything shaped like a JWT or a LiteLLM key, and the configured secret values themselves.
 */
export function redact(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  // Below the depth limit nothing is inspected, so nothing is kept: it could hide a secret or a cycle.
  if (depth > 8) return TRUNCATED;
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  // fromEntries defines own properties: a `__proto__` key stays a key instead of replacing the prototype.
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET_FIELD.test(k) && v !== undefined && v !== null ? REDACTED : redact(v, secrets, depth + 1),
    ]),
  );
}

/**
 * A log record as one JSON line with the same redaction as `redact`, applied while serialising
 * (a `JSON.stringify` replacer) instead of on a deep copy: one walk of the record, no copy. A
 * record `JSON.stringify` refuses (a cycle) falls back to the depth-limited copy.
 */
export function redactedJson(record: object, secrets: readonly string[] = []): string {
  try {
    return JSON.stringify(record, (key: string, value: unknown): unknown => {
      if (key !== '' && value !== undefined && value !== null && SECRET_FIELD.test(key)) return REDACTED;
      return typeof value === 'string' ? redactString(value, secrets) : value;
    });
  } catch {
    return JSON.stringify(redact(record, secrets));
  }
}
