import { MemoryShareStore } from '../adapters/memory/memory-share-store';
import { SupabaseShareStore } from '../adapters/supabase/supabase-share-store';
import { ShareLinks } from '../application/shares/share-links';
import { SHARE_STORE } from '../ports/share-store.port';
import { host, type FeatureModule } from './shared';

/**
 * Share links: read-only snapshots of a branch behind a random id. Stored in Supabase's
 * `conversation_shares` (docs/supabase-shares.sql) when SUPABASE_URL is set, else in memory.
 */
export const shares: FeatureModule = {
  name: 'shares',
  register(c, config, { supabaseRest, bind }) {
    if (supabaseRest) {
      c.registerInstance(SHARE_STORE, new SupabaseShareStore(supabaseRest.client));
      bind('ShareStore', 'supabase-rest', host(config.supabaseUrl));
    } else {
      c.registerInstance(SHARE_STORE, new MemoryShareStore());
      bind('ShareStore', 'memory');
    }
    c.registerSingleton(ShareLinks);
  },
};
