import { MemoryImportLedger } from '../adapters/memory/memory-import-ledger';
import { PostgresImportLedger } from '../adapters/postgres/postgres-import-ledger';
import { SupabaseImportLedger } from '../adapters/supabase/supabase-import-ledger';
import { ImportConversations } from '../application/import/import-conversations.use-case';
import { IMPORT_LEDGER } from '../ports/import-ledger.port';
import { host, type FeatureModule } from './shared';

/**
 * Import of ChatGPT, Claude and gateway exports: the ledger of imported source conversations
 * (beside the conversations in the gateway's own database when STORAGE picked it, else Supabase's
 * `import_ledger`, docs/supabase-shares.sql, when SUPABASE_URL is set, else memory) and the use case, which writes
 * through the conversation store and removes failures through the conversation index (both
 * registered earlier).
 */
export const importConversations: FeatureModule = {
  name: 'import',
  register(c, config, { supabaseRest, database, bind }) {
    // Beside the conversations: the gateway's own database when it holds them (the Supabase
    // table's policies check conversations that would not exist there).
    if (database) {
      c.registerInstance(IMPORT_LEDGER, new PostgresImportLedger(database));
      bind('ImportLedger', database.info.driver, database.info.location);
    } else if (supabaseRest) {
      c.registerInstance(IMPORT_LEDGER, new SupabaseImportLedger(supabaseRest.client));
      bind('ImportLedger', 'supabase-rest', host(config.supabaseUrl));
    } else {
      c.registerInstance(IMPORT_LEDGER, new MemoryImportLedger());
      bind('ImportLedger', 'memory');
    }
    c.registerSingleton(ImportConversations);
  },
};
