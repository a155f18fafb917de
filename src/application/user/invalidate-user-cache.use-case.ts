import { inject, injectable } from 'tsyringe';
import { UserProfileCache } from './user-profile-cache';

/**
 * Drops what the gateway cached about a user. The chat flow calls it when a completion finishes
 * (the spend, hence the balance, changed upstream); profile writes call it too.
 */
@injectable()
export class InvalidateUserCache {
  constructor(@inject(UserProfileCache) private readonly profiles: UserProfileCache) {}

  execute(userId: string): Promise<void> {
    return this.profiles.invalidate(userId);
  }
}
