import type { DependencyContainer } from 'tsyringe';
import { MemoryImportLedger } from '../adapters/memory/memory-import-ledger';
import { ImportConversations } from '../application/import/import-conversations.use-case';
import { IMPORT_LEDGER, type ImportLedger } from '../ports/import-ledger.port';

/** Import of ChatGPT, Claude and gateway exports: the ledger of imported source conversations and the use case. */
export function registerImport(c: DependencyContainer, bind: (port: string, adapter: string, target?: string) => void): void {
  c.registerInstance<ImportLedger>(IMPORT_LEDGER, new MemoryImportLedger());
  bind('ImportLedger', 'memory');
  c.registerSingleton(ImportConversations);
}
