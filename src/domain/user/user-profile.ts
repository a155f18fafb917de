/**
 * A user's profile and balance as the gateway shows them. The LiteLLM key is deliberately not
 * here: it is fetched separately and never leaves the gateway.
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
