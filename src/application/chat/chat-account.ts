import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { USER_DIRECTORY, type UserDirectory } from '../../ports/user-directory.port';

/**
 * Before any model call: the user's balance must be positive (402 otherwise, with the figures),
 * and their own LiteLLM key is needed for the call. Both reads run in parallel.
 */
@injectable()
export class ChatAccount {
  constructor(@inject(USER_DIRECTORY) private readonly users: UserDirectory) {}

  async authorize(user: UserContext): Promise<{ apiKey: string }> {
    const [profile, apiKey] = await Promise.all([this.users.getProfile(user), this.users.getLlmKey(user)]);
    if (!(profile.available_balance > 0)) {
      throw new AppError('INSUFFICIENT_BALANCE', 'Your balance is used up: top up to continue chatting', {
        details: { available_balance: profile.available_balance, max_budget: profile.max_budget },
      });
    }
    return { apiKey };
  }
}
