import { MemoryImportLedger } from '../adapters/memory/memory-import-ledger';
import { ImportConversations } from '../application/import/import-conversations.use-case';
import { IMPORT_LEDGER } from '../ports/import-ledger.port';
import type { FeatureModule } from './shared';

/**
 * Import of ChatGPT, Claude and gateway exports: the ledger of imported source conversations and
 * the use case, which writes through the conversation store and removes failures through the
 * conversation index (both registered earlier).
 */
export const importConversations: FeatureModule = {
  name: 'import',
  register(c, _config, { bind }) {
    c.registerInstance(IMPORT_LEDGER, new MemoryImportLedger());
    bind('ImportLedger', 'memory');
    c.registerSingleton(ImportConversations);
  },
};
