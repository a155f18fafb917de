import { inject, injectable } from 'tsyringe';
import { balanceOf, type UserBalance } from '../../domain/user/balance';
import type { UserContext } from '../../domain/user/user-context';
import { UserProfileCache } from './user-profile-cache';

/**
 * The caller's balance from `user_profiles`: the row the platform's 402 rule is defined on, so the
 * number shown is the number enforced. Cached with the profile and dropped when a chat finishes.
 */
@injectable()
export class GetBalance {
  constructor(@inject(UserProfileCache) private readonly profiles: UserProfileCache) {}

  async execute(user: UserContext): Promise<UserBalance> {
    return balanceOf(await this.profiles.get(user));
  }
}
