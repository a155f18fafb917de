import { inject, injectable } from 'tsyringe';
import { ensureCanStartCompletion } from '../../domain/user/balance';
import type { UserContext } from '../../domain/user/user-context';
import { USER_DIRECTORY, type UserDirectory } from '../../ports/user-directory.port';
import { UserProfileCache } from '../user/user-profile-cache';

/**
 * Before any model call: the user's balance must be positive (402 otherwise, with the figures),
 * and their own LiteLLM key is needed for the call. The profile comes from the cache (it is
 * invalidated when a turn finishes, so the next turn sees the new spend); both reads run in parallel.
 */
@injectable()
export class ChatAccount {
  constructor(
    @inject(UserProfileCache) private readonly profiles: UserProfileCache,
    @inject(USER_DIRECTORY) private readonly users: UserDirectory,
  ) {}

  async authorize(user: UserContext): Promise<{ apiKey: string }> {
    const [profile, apiKey] = await Promise.all([this.profiles.get(user), this.users.getLlmKey(user)]);
    ensureCanStartCompletion(profile);
    return { apiKey };
  }
}
