import { MemoryShareStore } from '../adapters/memory/memory-share-store';
import { PostgresShareStore } from '../adapters/postgres/postgres-share-store';
import { SupabaseShareStore } from '../adapters/supabase/supabase-share-store';
import { ShareLinks } from '../application/shares/share-links';
import { SHARE_STORE } from '../ports/share-store.port';
import { host, type FeatureModule } from './shared';

/**
 * Share links: read-only snapshots of a branch behind a random id. Stored beside the conversations
 * in the gateway's own database when STORAGE picked it, else in Supabase's `conversation_shares`
 * (docs/supabase-shares.sql) when SUPABASE_URL is set, else in memory.
 */
export const shares: FeatureModule = {
  name: 'shares',
  register(c, config, { supabaseRest, database, bind }) {
    // Beside the conversations: the gateway's own database when it holds them (the Supabase
    // table's policies check conversations that would not exist there).
    if (database) {
      c.registerInstance(SHARE_STORE, new PostgresShareStore(database));
      bind('ShareStore', database.info.driver, database.info.location);
    } else if (supabaseRest) {
      c.registerInstance(SHARE_STORE, new SupabaseShareStore(supabaseRest.client));
      bind('ShareStore', 'supabase-rest', host(config.supabaseUrl));
    } else {
      c.registerInstance(SHARE_STORE, new MemoryShareStore());
      bind('ShareStore', 'memory');
    }
    c.registerSingleton(ShareLinks);
  },
};
