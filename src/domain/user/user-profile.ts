import { AppError } from '../errors/app-error';

/**
 * A user's profile and balance as the gateway shows them. The LiteLLM key is deliberately not
 * here: it is fetched separately and never leaves the gateway.
 *
 * `display_name`, `default_model`, `locale` and `preferences` are columns the upstream contract
 * does not list: they are assumed, and read as null / `{}` when the row has none of them.
 */
export interface UserProfile {
  id: string;
  email: string | null;
  display_name: string | null;
  default_model: string | null;
  locale: string | null;
  preferences: Record<string, unknown>;
  /** USD spent so far. */
  spend: number;
  /** USD limit. */
  max_budget: number;
  /** `max_budget - spend`. */
  available_balance: number;
  created_at: string | null;
  updated_at: string | null;
}

/** What a user may change about themselves: never spend, budget or key. */
export interface ProfilePatch {
  display_name?: string | null;
  default_model?: string | null;
  locale?: string | null;
  preferences?: Record<string, unknown>;
}

/** The columns a user may write, in one list so every layer picks the same ones. */
export const EDITABLE_PROFILE_FIELDS = [
  'display_name',
  'default_model',
  'locale',
  'preferences',
] as const satisfies readonly (keyof ProfilePatch)[];

/**
 * Only the editable fields that are present: defence in depth, so a caller that passes a wider
 * object (a whole row, a body with extra keys) can never write spend, budget or key.
 */
export function pickProfilePatch(input: ProfilePatch): ProfilePatch {
  const out: Record<string, unknown> = {};
  for (const field of EDITABLE_PROFILE_FIELDS) {
    if (Object.prototype.hasOwnProperty.call(input, field) && input[field] !== undefined) out[field] = input[field];
  }
  return out as ProfilePatch;
}

/**
 * The account exists but has no LiteLLM key yet (provisioning lags sign-up, or failed). A 403 of
 * its own rather than a 502: the client should say "your account is being set up", not retry or
 * sign the user out.
 */
export function accountNotProvisioned(): AppError {
  return new AppError('ACCOUNT_NOT_PROVISIONED', 'Your account has no model access yet; it is still being set up');
}
