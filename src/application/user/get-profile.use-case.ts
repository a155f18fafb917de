import { inject, injectable } from 'tsyringe';
import type { UserContext } from '../../domain/user/user-context';
import type { UserProfile } from '../../domain/user/user-profile';
import { UserProfileCache } from './user-profile-cache';

/** The caller's profile, from the cache when fresh (15 minutes by default). */
@injectable()
export class GetProfile {
  constructor(@inject(UserProfileCache) private readonly profiles: UserProfileCache) {}

  execute(user: UserContext): Promise<UserProfile> {
    return this.profiles.get(user);
  }
}
