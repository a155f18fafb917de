import { inject, injectable } from 'tsyringe';
import type { UserContext } from '../../domain/user/user-context';
import type { UserProfile } from '../../domain/user/user-profile';
import { CACHE, type Cache } from '../../ports/cache.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { USER_DIRECTORY, type UserDirectory } from '../../ports/user-directory.port';

export interface UserCacheOptions {
  /** How long a profile (and the balance derived from it) is served from the cache. */
  profileTtlSeconds: number;
}

export const USER_CACHE_OPTIONS = Symbol('UserCacheOptions');

/**
 * Cache-aside for the profile row, the one place that knows its key. Profile and balance come
 * from the same row, so one entry serves both and one delete invalidates both. The entry never
 * holds the LiteLLM key (UserProfile has none). Meant to be swapped for the shared cache-aside
 * helper (single-flight, degradation) when it lands: only this file changes.
 */
@injectable()
export class UserProfileCache {
  constructor(
    @inject(CACHE) private readonly cache: Cache,
    @inject(USER_DIRECTORY) private readonly directory: UserDirectory,
    @inject(USER_CACHE_OPTIONS) private readonly options: UserCacheOptions,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Always contains the user id, so no entry can ever be served to another user. */
  static key(userId: string): string {
    return `user:${userId}:profile`;
  }

  async get(user: UserContext): Promise<UserProfile> {
    const key = UserProfileCache.key(user.userId);
    const cached = await this.cache.get<UserProfile>(key);
    if (cached) return cached;
    const profile = await this.directory.getProfile(user);
    try {
      await this.cache.set(key, profile, this.options.profileTtlSeconds);
    } catch (err) {
      // A cache that cannot store costs one more upstream read next time, not this answer.
      this.logger.warn({ err: { message: (err as Error).message }, user_id: user.userId }, 'profile cache write failed');
    }
    return profile;
  }

  async invalidate(userId: string): Promise<void> {
    try {
      await this.cache.delete(UserProfileCache.key(userId));
    } catch (err) {
      // The write that made the entry stale already succeeded; failing it now would misreport it.
      this.logger.error({ err: { message: (err as Error).message }, user_id: userId }, 'profile cache invalidation failed');
    }
  }
}
