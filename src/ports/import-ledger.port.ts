import type { UserContext } from '../domain/user/user-context';
import { token } from './token';

export interface ImportLedgerEntry {
  /** Hash of the source format and the source's conversation id (never the id itself). */
  fingerprint: string;
  conversation_id: string;
  imported_at: string;
}

/**
 * Which source conversations a user already imported, and as which conversation: what makes an
 * import idempotent on every conversation store. Per user: another user's entries are never seen.
 */
export interface ImportLedger {
  /** The entries among `fingerprints` the user has. */
  find(user: UserContext, fingerprints: readonly string[]): Promise<ImportLedgerEntry[]>;
  /** Records (or replaces) the user's entry for `entry.fingerprint`. */
  record(user: UserContext, entry: ImportLedgerEntry): Promise<void>;
}

export const IMPORT_LEDGER = token<ImportLedger>('ImportLedger');
