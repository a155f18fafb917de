import { inject, injectable } from 'tsyringe';
import { CachedReader } from '../cache/cached-reader';
import { KEY_SPEND_CACHE_KIND } from './get-balance.use-case';
import { UserProfileCache } from './user-profile-cache';

/**
 * Drops what the gateway cached about a user's money. The chat flow calls it when a completion
 * finishes (the spend changed upstream); profile writes call it too. Exact keys only: no scan.
 */
@injectable()
export class InvalidateUserCache {
  constructor(
    @inject(UserProfileCache) private readonly profiles: UserProfileCache,
    @inject(CachedReader) private readonly cache: CachedReader,
  ) {}

  async execute(userId: string): Promise<void> {
    await Promise.all([this.profiles.invalidate(userId), this.cache.invalidate(KEY_SPEND_CACHE_KIND, userId)]);
  }
}
