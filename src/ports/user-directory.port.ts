import type { ProfilePatch, UserProfile } from '../domain/user/user-profile';
import type { UserContext } from '../domain/user/user-context';
import { token } from './token';

/**
 * Profiles, balances and LiteLLM keys (Supabase `user_profiles`, read with the user's own JWT).
 * A user only ever reaches their own row. Failures are AppErrors: NOT_FOUND (no profile row),
 * AUTH_EXPIRED / AUTH_INVALID (the upstream rejected the user's JWT), UPSTREAM_ERROR,
 * UPSTREAM_CONTRACT, UPSTREAM_UNAVAILABLE, UPSTREAM_TIMEOUT.
 */
export interface UserDirectory {
  /** Always read from the source of truth: caching is the use cases' job. */
  getProfile(user: UserContext): Promise<UserProfile>;
  /**
   * The user's LiteLLM virtual key; ACCOUNT_NOT_PROVISIONED when the account has none yet.
   * A secret: never returned by the API, never logged, never cached outside the process.
   */
  getLlmKey(user: UserContext): Promise<string>;
  /** Writes only the editable fields of `patch` and answers the updated profile. */
  updateProfile(user: UserContext, patch: ProfilePatch): Promise<UserProfile>;
}

export const USER_DIRECTORY = token<UserDirectory>('UserDirectory');
