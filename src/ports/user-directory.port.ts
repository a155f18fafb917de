import type { ProfilePatch, UserProfile } from '../domain/user/user-profile';
import type { UserContext } from '../domain/user/user-context';

/** Profiles, balances and LiteLLM keys (Supabase `user_profiles`, read with the user's own JWT). */
export interface UserDirectory {
  /** NOT_FOUND when the user has no profile row. */
  getProfile(user: UserContext): Promise<UserProfile>;
  /** The user's LiteLLM virtual key. A secret: never returned by the API, never logged, never cached outside the process. */
  getLlmKey(user: UserContext): Promise<string>;
  updateProfile(user: UserContext, patch: ProfilePatch): Promise<UserProfile>;
}

export const USER_DIRECTORY = Symbol('UserDirectory');
