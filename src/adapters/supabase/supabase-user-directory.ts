import type { UserContext } from '../../domain/user/user-context';
import { accountNotProvisioned, pickProfilePatch, type ProfilePatch, type UserProfile } from '../../domain/user/user-profile';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import type { UserDirectory } from '../../ports/user-directory.port';
import type { UpstreamObserver } from '../http/upstream-observer';
import { PostgrestClient } from './postgrest-client';
import { parseProfileRow, singleRow } from './user-profile-row';

export interface SupabaseUserDirectoryOptions {
  supabaseUrl: string;
  anonKey: string | undefined;
  poolSize: number;
  timeoutMs: number;
  retries?: number;
  observer?: UpstreamObserver;
  /** How long a key read with the profile is reused (default 5 s): one row fetch serves both calls of a chat. */
  keyMemoMs?: number;
  /** Upper bound on memoised keys, so a flood of users cannot grow memory without limit. */
  keyMemoMaxEntries?: number;
  /** Share one Supabase REST client (pool, breaker) with other Supabase adapters. */
  client?: PostgrestClient;
}

const TABLE = 'user_profiles';
const DEFAULT_KEY_MEMO_MS = 5_000;
const DEFAULT_KEY_MEMO_MAX = 10_000;

/**
 * `UserDirectory` over Supabase REST `user_profiles`, always with the user's own JWT (RLS).
 *
 * The LiteLLM key comes from the same row as the profile. A chat needs both, so each profile read
 * memoises the key in this process for a few seconds and `getLlmKey` right after costs no second
 * call. The memo holds only the key (the profile itself is cached by the use cases, which know
 * when it changes), lives only in memory (never Redis) and is never logged.
 */
export class SupabaseUserDirectory implements UserDirectory {
  private readonly rest: PostgrestClient;
  private readonly keyMemo = new Map<string, { key: string | null; expiresAt: number }>();
  /**
   * Row reads in flight, per user and token (another token may be refused where this one is not).
   * A chat asks for the profile (on a cache miss) and the key at once; once the key memo has
   * expired both would read the same row: they share one call instead.
   */
  private readonly reading = new Map<string, Promise<ReturnType<typeof parseProfileRow>>>();
  private readonly keyMemoMs: number;
  private readonly keyMemoMax: number;

  constructor(
    options: SupabaseUserDirectoryOptions,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    this.rest = options.client ?? new PostgrestClient(options, clock, logger.child({ component: 'supabase-rest' }));
    this.keyMemoMs = options.keyMemoMs ?? DEFAULT_KEY_MEMO_MS;
    this.keyMemoMax = options.keyMemoMaxEntries ?? DEFAULT_KEY_MEMO_MAX;
  }

  async getProfile(user: UserContext): Promise<UserProfile> {
    return (await this.readRow(user)).profile;
  }

  async getLlmKey(user: UserContext): Promise<string> {
    const memo = this.keyMemo.get(user.userId);
    let key: string | null;
    if (memo && memo.expiresAt > this.clock.nowMs()) key = memo.key;
    else key = (await this.readRow(user)).litellmKey;
    if (key === null) throw accountNotProvisioned();
    return key;
  }

  async updateProfile(user: UserContext, patch: ProfilePatch): Promise<UserProfile> {
    const body = pickProfilePatch(patch);
    if (Object.keys(body).length === 0) return this.getProfile(user);
    const res = await this.rest.request(user, {
      operation: 'user_profiles.update',
      method: 'PATCH',
      table: TABLE,
      query: { id: `eq.${user.userId}`, select: '*' },
      body,
      prefer: ['return=representation'],
      // Sets fixed values: repeating it leaves the same row.
      idempotent: true,
      notFound: 'profile',
    });
    const parsed = parseProfileRow(singleRow(res.data), user.userId);
    this.remember(user.userId, parsed.litellmKey);
    return parsed.profile;
  }

  private readRow(user: UserContext): Promise<ReturnType<typeof parseProfileRow>> {
    const flight = `${user.userId}\u0000${user.token}`;
    const running = this.reading.get(flight);
    if (running) return running;
    const read = this.fetchRow(user).finally(() => this.reading.delete(flight));
    this.reading.set(flight, read);
    return read;
  }

  private async fetchRow(user: UserContext): Promise<ReturnType<typeof parseProfileRow>> {
    const res = await this.rest.request(user, {
      operation: 'user_profiles.read',
      method: 'GET',
      table: TABLE,
      query: { id: `eq.${user.userId}`, select: '*' },
      idempotent: true,
      notFound: 'profile',
    });
    const parsed = parseProfileRow(singleRow(res.data), user.userId);
    this.remember(user.userId, parsed.litellmKey);
    return parsed;
  }

  private remember(userId: string, key: string | null): void {
    this.keyMemo.delete(userId);
    this.keyMemo.set(userId, { key, expiresAt: this.clock.nowMs() + this.keyMemoMs });
    while (this.keyMemo.size > this.keyMemoMax) {
      const oldest = this.keyMemo.keys().next().value;
      if (oldest === undefined) break;
      this.keyMemo.delete(oldest);
    }
  }
}
