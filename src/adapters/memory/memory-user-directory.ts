import { randomBytes } from 'node:crypto';
import { AppError } from '../../domain/errors/app-error';
import { profileOfRow } from '../../domain/user/balance';
import type { UserContext } from '../../domain/user/user-context';
import { accountNotProvisioned, pickProfilePatch, type ProfilePatch, type UserProfile } from '../../domain/user/user-profile';
import type { Clock } from '../../ports/clock.port';
import type { UserDirectory } from '../../ports/user-directory.port';

export interface MemoryUserDirectoryOptions {
  /** USD budget of a user seen for the first time (default 100: generous for trying the product). */
  initialMaxBudget?: number;
}

/** The stored row, as `user_profiles` holds it: the profile's columns plus the key (the balance is derived). */
type Row = Omit<UserProfile, 'available_balance' | 'created_at' | 'updated_at'> & {
  litellm_key: string | null;
  created_at: string;
  updated_at: string;
};

/** What a test may set when it provisions a user. */
export type MemoryProfileSeed = Partial<Omit<Row, 'id' | 'created_at' | 'updated_at'>>;

/**
 * The in-memory twin of `user_profiles`. Every user gets a profile on first sight, as the
 * platform's sign-up trigger does, with a generous budget and a fake per-user LiteLLM key, so
 * the embedded default works with any valid token. Users only ever reach their own row.
 * The test helpers (`seed`, `setBudget`, `setLlmKey`, `removeProfile`) stand in for what the
 * platform's back office does.
 */
export class MemoryUserDirectory implements UserDirectory {
  private readonly rows = new Map<string, Row>();
  /** Users whose row was removed: not re-provisioned on sight, so NOT_FOUND can be produced. */
  private readonly removed = new Set<string>();
  private readonly initialMaxBudget: number;

  constructor(
    private readonly clock: Clock,
    options: MemoryUserDirectoryOptions = {},
  ) {
    this.initialMaxBudget = options.initialMaxBudget ?? 100;
  }

  async getProfile(user: UserContext): Promise<UserProfile> {
    return this.toProfile(this.rowOf(user));
  }

  async getLlmKey(user: UserContext): Promise<string> {
    const key = this.rowOf(user).litellm_key;
    if (!key) throw accountNotProvisioned();
    return key;
  }

  async updateProfile(user: UserContext, patch: ProfilePatch): Promise<UserProfile> {
    const row = this.rowOf(user);
    const fields = pickProfilePatch(patch);
    if (Object.keys(fields).length > 0) {
      Object.assign(row, structuredClone(fields), { updated_at: this.clock.now().toISOString() });
    }
    return this.toProfile(row);
  }

  /** Provisions (or overwrites fields of) a user's row. */
  seed(userId: string, values: MemoryProfileSeed = {}): void {
    this.removed.delete(userId);
    const row = this.rows.get(userId) ?? this.newRow(userId, null);
    Object.assign(row, structuredClone(values));
    this.rows.set(userId, row);
  }

  /** Sets spend and/or budget, e.g. to produce `available_balance <= 0`. */
  setBudget(userId: string, values: { spend?: number; max_budget?: number }): void {
    this.seed(userId, values);
  }

  /** Adds to the user's spend, as a finished chat does upstream. */
  addSpend(userId: string, usd: number): void {
    const row = this.rows.get(userId) ?? this.newRow(userId, null);
    this.seed(userId, { spend: row.spend + usd });
  }

  /** Null: the account has no model access yet. */
  setLlmKey(userId: string, key: string | null): void {
    this.seed(userId, { litellm_key: key });
  }

  /** Deletes the row; the user then gets NOT_FOUND until seeded again. */
  removeProfile(userId: string): void {
    this.rows.delete(userId);
    this.removed.add(userId);
  }

  private rowOf(user: UserContext): Row {
    let row = this.rows.get(user.userId);
    if (!row) {
      if (this.removed.has(user.userId)) throw new AppError('NOT_FOUND', 'profile not found');
      row = this.newRow(user.userId, user.email ?? null);
      this.rows.set(user.userId, row);
    }
    return row;
  }

  private newRow(userId: string, email: string | null): Row {
    const now = this.clock.now().toISOString();
    return {
      id: userId,
      email,
      display_name: null,
      default_model: null,
      locale: null,
      preferences: {},
      spend: 0,
      max_budget: this.initialMaxBudget,
      litellm_key: `sk-local-${randomBytes(16).toString('hex')}`,
      created_at: now,
      updated_at: now,
    };
  }

  /** A copy without the key: callers can never mutate the store or see the secret. */
  private toProfile(row: Row): UserProfile {
    return profileOfRow({ ...row, preferences: structuredClone(row.preferences) });
  }
}
