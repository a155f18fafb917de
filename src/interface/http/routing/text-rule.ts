import { MAX_REPORTED_ERRORS, type FieldError } from '../../../support/json-schema';

/**
 * The rule for text in requests: every string (and every object key) of a body, query or path
 * must be well-formed Unicode without control characters of category Cc — U+0000 to U+001F and
 * U+007F to U+009F — except tab, line feed and carriage return. Such a request is rejected (422),
 * never silently stripped: a changed message is worse than a refused one.
 *
 * Why: Postgres rejects NUL (and unpaired surrogates) in text and jsonb, so they would fail late as
 * an upstream error after part of a turn is stored; escape sequences (ESC, C1 CSI) in stored text
 * end up in terminals that read logs and exports.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'g');
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE.source, 'g');

export const CONTROL_CHARACTER_MESSAGE =
  'must not contain control characters (U+0000-U+001F except tab, line feed and carriage return; U+007F-U+009F)';
export const MALFORMED_TEXT_MESSAGE = 'must be well-formed Unicode (no unpaired surrogate)';

/** Nesting below this is not inspected: bodies are size-limited and schemas bound their depth. */
const MAX_DEPTH = 32;

function problemOf(text: string): string | undefined {
  if (FORBIDDEN.test(text)) return CONTROL_CHARACTER_MESSAGE;
  if (LONE_SURROGATE.test(text)) return MALFORMED_TEXT_MESSAGE;
  return undefined;
}

/** A bad key shown in an error path without echoing what made it bad. */
function printable(key: string): string {
  return key.replace(FORBIDDEN_ALL, '\uFFFD').replace(LONE_SURROGATE_ALL, '\uFFFD');
}

/** One field error per offending string or key, with its dotted path (`messages.0.content`). */
export function textRuleViolations(value: unknown, root = ''): FieldError[] {
  const out: FieldError[] = [];
  const visit = (v: unknown, path: string, depth: number): void => {
    // Reported errors are capped; so is the walk that finds them.
    if (out.length >= MAX_REPORTED_ERRORS) return;
    if (typeof v === 'string') {
      const problem = problemOf(v);
      if (problem) out.push({ path: path || '(root)', message: problem });
      return;
    }
    if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, path ? `${path}.${i}` : String(i), depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(v)) {
      const keyProblem = problemOf(key);
      const shown = keyProblem ? printable(key) : key;
      const at = path ? `${path}.${shown}` : shown;
      if (keyProblem) out.push({ path: at, message: `key ${keyProblem}` });
      visit(item, at, depth + 1);
    }
  };
  visit(value, root, 0);
  return out;
}
