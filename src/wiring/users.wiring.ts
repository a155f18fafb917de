import { LiteLlmKeyInfo } from '../adapters/litellm/litellm-key-info';
import { MemoryUserDirectory } from '../adapters/memory/memory-user-directory';
import { NoKeyInfo } from '../adapters/memory/no-key-info';
import { SupabaseUserDirectory } from '../adapters/supabase/supabase-user-directory';
import { GetBalance, KEY_SPEND_CACHE_KIND } from '../application/user/get-balance.use-case';
import { GetProfile } from '../application/user/get-profile.use-case';
import { InvalidateUserCache } from '../application/user/invalidate-user-cache.use-case';
import { UpdateProfile } from '../application/user/update-profile.use-case';
import { PROFILE_CACHE_KIND, UserProfileCache } from '../application/user/user-profile-cache';
import { LLM_KEY_INFO } from '../ports/llm-key-info.port';
import { USER_DIRECTORY } from '../ports/user-directory.port';
import { host, type FeatureModule } from './shared';

/**
 * Profiles and balances: Supabase `user_profiles` with the user's own JWT, or the in-memory twin;
 * the key's spend from LiteLLM `/key/info` when LiteLLM is there.
 */
export const users: FeatureModule = {
  name: 'users',
  register(c, config, { supabaseRest, litellm, clock, logger, cacheKinds, bind }) {
    // Profile and balance are one row: one entry, one invalidation.
    cacheKinds[PROFILE_CACHE_KIND] = { ttlSeconds: config.cacheTtlProfileSeconds, perUser: true };
    cacheKinds[KEY_SPEND_CACHE_KIND] = { ttlSeconds: config.cacheTtlProfileSeconds, perUser: true };
    if (supabaseRest) {
      const directory = new SupabaseUserDirectory(
        { ...supabaseRest.options, client: supabaseRest.client },
        clock,
        logger.child({ component: 'user-directory' }),
      );
      c.registerInstance(USER_DIRECTORY, directory);
      bind('UserDirectory', 'supabase-rest', host(config.supabaseUrl));
    } else {
      c.registerInstance(USER_DIRECTORY, new MemoryUserDirectory(clock));
      bind('UserDirectory', 'memory');
    }
    c.registerInstance(LLM_KEY_INFO, litellm ? new LiteLlmKeyInfo(litellm) : new NoKeyInfo());
    c.registerSingleton(UserProfileCache);
    c.registerSingleton(GetProfile);
    c.registerSingleton(GetBalance);
    c.registerSingleton(UpdateProfile);
    c.registerSingleton(InvalidateUserCache);
  },
};
