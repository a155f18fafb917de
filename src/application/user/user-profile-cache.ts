import { inject, injectable } from 'tsyringe';
import type { UserContext } from '../../domain/user/user-context';
import type { UserProfile } from '../../domain/user/user-profile';
import { USER_DIRECTORY, type UserDirectory } from '../../ports/user-directory.port';
import { CachedReader } from '../cache/cached-reader';

/** The cache kind of profile rows; per user, so its keys always hold the user id. */
export const PROFILE_CACHE_KIND = 'profile';

/**
 * The profile row through the shared cache-aside layer (single-flight, Redis with in-process
 * fallback). Profile and balance come from the same row, so one entry serves both and one delete
 * invalidates both. The entry never holds the LiteLLM key (UserProfile has none).
 */
@injectable()
export class UserProfileCache {
  constructor(
    @inject(CachedReader) private readonly cache: CachedReader,
    @inject(USER_DIRECTORY) private readonly directory: UserDirectory,
  ) {}

  get(user: UserContext): Promise<UserProfile> {
    return this.cache.getOrLoad(PROFILE_CACHE_KIND, user.userId, () => this.directory.getProfile(user));
  }

  invalidate(userId: string): Promise<void> {
    return this.cache.invalidate(PROFILE_CACHE_KIND, userId);
  }
}
