import { randomBytes } from 'node:crypto';
import { AppError } from '../../domain/errors/app-error';
import { profileOfRow } from '../../domain/user/balance';
import type { UserContext } from '../../domain/user/user-context';
import { accountNotProvisioned, pickProfilePatch, type ProfilePatch, type UserProfile } from '../../domain/user/user-profile';
import type { Clock } from '../../ports/clock.port';
import type { UserDirectory } from '../../ports/user-directory.port';
import { translated } from './database-errors';
import { isoOf, numberOf, type SqlDatabase } from './sql-database';

export interface PostgresUserDirectoryOptions {
  /** USD budget of a user seen for the first time (default 100, as the memory twin). */
  initialMaxBudget?: number;
}

interface ProfileRow {
  id: string;
  email: string | null;
  display_name: string | null;
  default_model: string | null;
  locale: string | null;
  preferences: Record<string, unknown> | null;
  spend: unknown;
  max_budget: unknown;
  litellm_key: string | null;
  closed_at: unknown;
  created_at: unknown;
  updated_at: unknown;
}

const COLUMNS =
  'id, email, display_name, default_model, locale, preferences, spend, max_budget, litellm_key, closed_at, created_at, updated_at';

function toProfile(row: ProfileRow): UserProfile {
  return profileOfRow({
    ...row,
    preferences: row.preferences ?? {},
    spend: numberOf(row.spend),
    max_budget: numberOf(row.max_budget),
    created_at: isoOf(row.created_at),
    updated_at: isoOf(row.updated_at),
  });
}

/**
 * `user_profiles` in the gateway's own database, for deployments without Supabase: like the
 * platform's sign-up trigger, a user gets a row on first sight (a budget and a local LiteLLM key),
 * so any valid token works. A closed account (`closed_at` set) keeps its row and reads as
 * NOT_FOUND. Every statement names the caller's id; the key never leaves `getLlmKey`.
 */
export class PostgresUserDirectory implements UserDirectory {
  private readonly initialMaxBudget: number;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
    options: PostgresUserDirectoryOptions = {},
  ) {
    this.initialMaxBudget = options.initialMaxBudget ?? 100;
  }

  getProfile(user: UserContext): Promise<UserProfile> {
    return translated(async () => toProfile(await this.rowOf(user)));
  }

  getLlmKey(user: UserContext): Promise<string> {
    return translated(async () => {
      const key = (await this.rowOf(user)).litellm_key;
      if (!key) throw accountNotProvisioned();
      return key;
    });
  }

  updateProfile(user: UserContext, patch: ProfilePatch): Promise<UserProfile> {
    return translated(async () => {
      const row = await this.rowOf(user);
      const fields = pickProfilePatch(patch);
      if (Object.keys(fields).length === 0) return toProfile(row);
      const given = (field: keyof ProfilePatch): boolean => Object.prototype.hasOwnProperty.call(fields, field);
      // Fixed columns, each kept unless its flag says it was given; values are parameters only.
      const { rows } = await this.db.query<ProfileRow>(
        `UPDATE user_profiles SET
           display_name = CASE WHEN $2 THEN $3 ELSE display_name END,
           default_model = CASE WHEN $4 THEN $5 ELSE default_model END,
           locale = CASE WHEN $6 THEN $7 ELSE locale END,
           preferences = CASE WHEN $8 THEN $9::jsonb ELSE preferences END,
           updated_at = $10
         WHERE id = $1 AND closed_at IS NULL
         RETURNING ${COLUMNS}`,
        [
          user.userId,
          given('display_name'),
          fields.display_name ?? null,
          given('default_model'),
          fields.default_model ?? null,
          given('locale'),
          fields.locale ?? null,
          given('preferences'),
          JSON.stringify(fields.preferences ?? {}),
          isoOf(this.clock.now()),
        ],
      );
      if (!rows[0]) throw new AppError('NOT_FOUND', 'profile not found');
      return toProfile(rows[0]);
    });
  }

  /** The caller's row, provisioned on first sight; NOT_FOUND when the account was closed. */
  private async rowOf(user: UserContext): Promise<ProfileRow> {
    let { rows } = await this.db.query<ProfileRow>(`SELECT ${COLUMNS} FROM user_profiles WHERE id = $1`, [user.userId]);
    if (!rows[0]) {
      const now = isoOf(this.clock.now());
      await this.db.query(
        `INSERT INTO user_profiles (id, email, max_budget, litellm_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (id) DO NOTHING`,
        [user.userId, user.email ?? null, this.initialMaxBudget, `sk-local-${randomBytes(16).toString('hex')}`, now],
      );
      ({ rows } = await this.db.query<ProfileRow>(`SELECT ${COLUMNS} FROM user_profiles WHERE id = $1`, [user.userId]));
    }
    const row = rows[0];
    if (!row || row.closed_at !== null) throw new AppError('NOT_FOUND', 'profile not found');
    return row;
  }
}
