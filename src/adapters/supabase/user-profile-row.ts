import { AppError } from '../../domain/errors/app-error';
import { availableBalance } from '../../domain/user/balance';
import type { UserProfile } from '../../domain/user/user-profile';

/** A `user_profiles` row split into what may be shown and the secret that may not. */
export interface ParsedProfileRow {
  profile: UserProfile;
  /** Null when the account has no key yet (empty string included). */
  litellmKey: string | null;
}

function contractError(problem: string): AppError {
  return new AppError('UPSTREAM_CONTRACT', 'Supabase answered with a user profile the gateway cannot use', {
    details: { upstream: 'supabase', table: 'user_profiles', problem },
  });
}

/** numeric columns may arrive as JSON numbers or as exact decimal strings. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

function optionalText(row: Record<string, unknown>, column: string): string | null {
  const value = row[column];
  return typeof value === 'string' ? value : null;
}

/**
 * Validates one row. `max_budget` is required: without it there is no balance to enforce, and
 * treating it as unlimited would let spending run free, so the row is unusable. A null `spend` is
 * a fresh account that has spent nothing. Assumed columns (display_name, default_model, locale,
 * preferences) may be missing. The row must be the caller's own: anything else is a broken RLS
 * policy or filter, never something to show.
 */
export function parseProfileRow(raw: unknown, userId: string): ParsedProfileRow {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw contractError('row is not an object');
  const row = raw as Record<string, unknown>;
  if (typeof row.id !== 'string') throw contractError('id is missing');
  if (row.id.toLowerCase() !== userId.toLowerCase()) throw contractError('row belongs to another user');

  const maxBudget = toNumber(row.max_budget);
  if (maxBudget === undefined) throw contractError('max_budget is not a number');
  const spend = row.spend === null || row.spend === undefined ? 0 : toNumber(row.spend);
  if (spend === undefined) throw contractError('spend is not a number');
  let available = availableBalance(maxBudget, spend);
  if (row.available_balance !== undefined && row.available_balance !== null) {
    const given = toNumber(row.available_balance);
    if (given === undefined) throw contractError('available_balance is not a number');
    available = given;
  }

  const prefs = row.preferences;
  const key = row.litellm_key;
  return {
    profile: {
      id: row.id,
      email: optionalText(row, 'email'),
      display_name: optionalText(row, 'display_name'),
      default_model: optionalText(row, 'default_model'),
      locale: optionalText(row, 'locale'),
      preferences: prefs && typeof prefs === 'object' && !Array.isArray(prefs) ? (prefs as Record<string, unknown>) : {},
      spend,
      max_budget: maxBudget,
      available_balance: available,
      created_at: optionalText(row, 'created_at'),
      updated_at: optionalText(row, 'updated_at'),
    },
    litellmKey: typeof key === 'string' && key.trim() !== '' ? key : null,
  };
}

/** The array form of a read (`[]` when there is no row), as one row or NOT_FOUND. */
export function singleRow(body: unknown): unknown {
  if (!Array.isArray(body)) throw contractError('response is not an array');
  if (body.length === 0) throw new AppError('NOT_FOUND', 'profile not found');
  if (body.length > 1) throw contractError('more than one row for one id');
  return body[0];
}
