import { AppError } from '../errors/app-error';

/** A span of time as two ISO-8601 instants: `from` inclusive, `until` exclusive; an absent end is open. */
export interface TimeRange {
  from?: string;
  until?: string;
}

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Milliseconds of an ISO-8601 instant (any precision, `Z` or an offset). */
export function instantMs(value: string): number {
  return Date.parse(value);
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Start of the UTC day of an instant. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function addDays(ms: number, days: number): number {
  return ms + days * DAY_MS;
}

export function isWithin(value: string, range: TimeRange): boolean {
  const ms = instantMs(value);
  if (range.from !== undefined && ms < instantMs(range.from)) return false;
  if (range.until !== undefined && ms >= instantMs(range.until)) return false;
  return true;
}

/** Milliseconds of a client's date or date-time; NaN when it names no real day (V8 would read 2026-02-30 as 2026-03-02). */
function clientInstant(value: string): number {
  const day = value.slice(0, 10);
  const dayMs = instantMs(`${day}T00:00:00Z`);
  if (!DAY_RE.test(day) || Number.isNaN(dayMs) || utcDay(dayMs) !== day) return Number.NaN;
  return instantMs(DAY_RE.test(value) ? `${value}T00:00:00Z` : value);
}

function field(path: string, message: string): { path: string; message: string; location: 'query' } {
  return { path, message, location: 'query' };
}

/**
 * `date_from` / `date_to` as clients send them: a calendar day (`2026-01-31`, UTC) or an instant
 * with an offset. A day as `date_to` includes the whole day; an instant includes that instant.
 * An inverted range (nothing can fall in it) is a VALIDATION_ERROR naming both fields: an empty
 * answer would hide the client's mistake.
 */
export function parseDateRange(input: { date_from?: string; date_to?: string }): TimeRange {
  const range: TimeRange = {};
  const bad: { path: string; message: string; location: 'query' }[] = [];
  if (input.date_from !== undefined) {
    const ms = clientInstant(input.date_from);
    if (Number.isNaN(ms)) bad.push(field('date_from', 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time'));
    else range.from = new Date(ms).toISOString();
  }
  if (input.date_to !== undefined) {
    const day = DAY_RE.test(input.date_to);
    const ms = clientInstant(input.date_to);
    if (Number.isNaN(ms)) bad.push(field('date_to', 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time'));
    else range.until = new Date(day ? addDays(ms, 1) : ms + 1).toISOString();
  }
  if (bad.length === 0 && range.from !== undefined && range.until !== undefined && instantMs(range.from) >= instantMs(range.until)) {
    bad.push(field('date_from', 'must not be after date_to'), field('date_to', 'must not be before date_from'));
  }
  if (bad.length > 0) throw new AppError('VALIDATION_ERROR', 'The request is invalid', { details: { fields: bad } });
  return range;
}
