import { AppError } from '../errors/app-error';
import type { UserProfile } from './user-profile';

/** Where a balance was read: the profile row alone, or reconciled with the proxy's `/key/info`. */
export type BalanceSource = 'user_profiles' | 'user_profiles+litellm';

/** The proxy's view of the user's key (LiteLLM `/key/info`). */
export interface KeySpend {
  spend: number | null;
  max_budget: number | null;
}

/** What `GET /v1/user/balance` shows: money only, never the key. */
export interface UserBalance {
  max_budget: number;
  spend: number;
  available_balance: number;
  currency: 'USD';
  source: BalanceSource;
}

/**
 * `max_budget - spend` without the binary noise of floats (numeric columns are exact decimals:
 * 10 - 9.9 must be 0.1, not 0.09999999999999964).
 */
export function availableBalance(maxBudget: number, spend: number): number {
  return Number((maxBudget - spend).toFixed(10));
}

export function balanceOf(profile: UserProfile, source: BalanceSource = 'user_profiles'): UserBalance {
  return {
    max_budget: profile.max_budget,
    spend: profile.spend,
    available_balance: profile.available_balance,
    currency: 'USD',
    source,
  };
}

/**
 * The balance from the profile row, reconciled with the proxy's count when there is one. The
 * budget is the profile's (the platform sets it and its 402 rule is defined on it); the spend is the
 * higher of the two, because LiteLLM counts each call when it happens while `user_profiles.spend`
 * is synced afterwards: the higher figure never shows money the user no longer has.
 */
export function reconcileBalance(profile: UserProfile, key: KeySpend | null): UserBalance {
  if (key?.spend === null || key?.spend === undefined) return balanceOf(profile);
  const spend = Math.max(profile.spend, key.spend);
  return {
    max_budget: profile.max_budget,
    spend,
    available_balance: availableBalance(profile.max_budget, spend),
    currency: 'USD',
    source: 'user_profiles+litellm',
  };
}

/** The platform rule: a user whose `available_balance <= 0` may not start a completion. */
export function ensureCanStartCompletion(profile: UserProfile): void {
  if (profile.available_balance <= 0) {
    throw new AppError('INSUFFICIENT_BALANCE', 'Insufficient balance to start a completion', {
      details: { available_balance: profile.available_balance, max_budget: profile.max_budget },
    });
  }
}

/**
 * The profile of a stored row: only the profile's own fields (never the key or any other column
 * the row has), with the balance computed. `preferences` is the caller's to copy.
 */
export function profileOfRow(row: Omit<UserProfile, 'available_balance'>): UserProfile {
  return {
    id: row.id,
    email: row.email,
    display_name: row.display_name,
    default_model: row.default_model,
    locale: row.locale,
    preferences: row.preferences,
    spend: row.spend,
    max_budget: row.max_budget,
    available_balance: availableBalance(row.max_budget, row.spend),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
