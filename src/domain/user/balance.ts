import { AppError } from '../errors/app-error';
import type { UserProfile } from './user-profile';

/** Where a balance was read. LiteLLM's `/key/info` may join later as a second source. */
export type BalanceSource = 'user_profiles';

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

/** The platform rule: a user whose `available_balance <= 0` may not start a completion. */
export function ensureCanStartCompletion(profile: UserProfile): void {
  if (profile.available_balance <= 0) {
    throw new AppError('INSUFFICIENT_BALANCE', 'Insufficient balance to start a completion', {
      details: { available_balance: profile.available_balance, max_budget: profile.max_budget },
    });
  }
}
