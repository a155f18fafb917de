import { inject, injectable } from 'tsyringe';
import { reconcileBalance, type UserBalance } from '../../domain/user/balance';
import type { UserContext } from '../../domain/user/user-context';
import { LLM_KEY_INFO, type LlmKeyInfoSource, type LlmKeyUsage } from '../../ports/llm-key-info.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { USER_DIRECTORY, type UserDirectory } from '../../ports/user-directory.port';
import { CachedReader } from '../cache/cached-reader';
import { UserProfileCache } from './user-profile-cache';

/** The cache kind of the proxy's per-key spend; per user, dropped with the profile. */
export const KEY_SPEND_CACHE_KIND = 'key_spend';

/**
 * The caller's balance: the `user_profiles` row, reconciled with LiteLLM's `/key/info` when it
 * answers (see `reconcileBalance` for which source wins). The proxy's figure is optional: when it
 * fails, the profile alone answers. Both reads are cached and dropped when a chat finishes.
 */
@injectable()
export class GetBalance {
  constructor(
    @inject(UserProfileCache) private readonly profiles: UserProfileCache,
    @inject(USER_DIRECTORY) private readonly directory: UserDirectory,
    @inject(LLM_KEY_INFO) private readonly keys: LlmKeyInfoSource,
    @inject(CachedReader) private readonly cache: CachedReader,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(user: UserContext): Promise<UserBalance> {
    const [profile, key] = await Promise.all([this.profiles.get(user), this.keySpend(user)]);
    return reconcileBalance(profile, key);
  }

  private async keySpend(user: UserContext): Promise<LlmKeyUsage | null> {
    try {
      return await this.cache.getOrLoad(KEY_SPEND_CACHE_KIND, user.userId, async () =>
        this.keys.fetchKeyUsage(await this.directory.getLlmKey(user)),
      );
    } catch (err) {
      const e = err as { code?: string; message?: string };
      this.logger.info({ user_id: user.userId, error: e.code ?? e.message }, 'key spend unavailable; balance from the profile only');
      return null;
    }
  }
}
