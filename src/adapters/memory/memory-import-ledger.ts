import type { UserContext } from '../../domain/user/user-context';
import type { ImportLedger, ImportLedgerEntry } from '../../ports/import-ledger.port';

/** The import ledger in process: the embedded default and the contract suite's twin. */
export class MemoryImportLedger implements ImportLedger {
  private readonly byUser = new Map<string, Map<string, ImportLedgerEntry>>();

  async find(user: UserContext, fingerprints: readonly string[]): Promise<ImportLedgerEntry[]> {
    const own = this.byUser.get(user.userId);
    if (!own) return [];
    return [...new Set(fingerprints)].flatMap((f) => (own.has(f) ? [{ ...own.get(f)! }] : []));
  }

  async record(user: UserContext, entry: ImportLedgerEntry): Promise<void> {
    let own = this.byUser.get(user.userId);
    if (!own) this.byUser.set(user.userId, (own = new Map()));
    own.set(entry.fingerprint, { ...entry });
  }
}
