import { AppError } from '../../domain/errors/app-error';
import type { TimeRange } from '../../domain/time/date-range';
import { isUuid } from '../../domain/user/uuid';

/*
 * PostgREST filter values built from user input, by rule rather than by pasting.
 *
 * A filter is one query parameter `<column>=<operator>.<operand>`. For the operators used here
 * (eq, gte, lt, ilike) PostgREST takes the operand as everything after the operator's dot, to the
 * end of the value: commas, dots, parentheses, quotes and `or=`-like text inside it have no
 * meaning. They only mean something inside `or=(...)`, `and=(...)` and `in.(...)` lists, and the
 * gateway never puts user text in those (an `in.` list only ever holds validated UUIDs). The URL
 * layer (URLSearchParams) percent-encodes the value, so `&`, `=`, `#` and `+` cannot start another
 * parameter either.
 *
 * What does remain meaningful inside an `ilike` operand is the pattern language:
 * - PostgREST turns every `*` into `%`, and offers no escape for `*`;
 * - Postgres LIKE treats `%` and `_` as wildcards and `\` as their escape character.
 * So `\`, `%` and `_` are escaped with `\`, and a literal `*` becomes `_` (any one character): the
 * pattern may then match a little more than the literal text, never less, and the adapter keeps
 * only rows that literally contain the term (domain `containsTerm`), so the answer is exact.
 */

/** The `ilike` operand matching values that contain `term` (before the literal re-check). */
export function ilikeContains(term: string): string {
  const escaped = term.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '_');
  return `ilike.*${escaped}*`;
}

/** `eq.<value>`: the operand runs to the end of the parameter, so no character of `value` is special. */
export function eq(value: string): string {
  return `eq.${value}`;
}

/** `in.(<uuid>,...)`: only UUIDs ever go into a list, so nothing needs quoting. */
export function inUuids(ids: readonly string[]): string {
  for (const id of ids) {
    if (!isUuid(id)) throw new AppError('INTERNAL_ERROR', 'Only UUIDs may be put in a PostgREST in.() list');
  }
  return `in.(${ids.join(',')})`;
}

/** Appends the two ends of a time range on `column` (`gte.` inclusive, `lt.` exclusive). */
export function appendRange(query: URLSearchParams, column: string, range: TimeRange | undefined): void {
  if (range?.from !== undefined) query.append(column, `gte.${range.from}`);
  if (range?.until !== undefined) query.append(column, `lt.${range.until}`);
}
