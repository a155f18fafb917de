import { notFound } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { isUuid } from '../../domain/user/uuid';
import type { ImportLedger, ImportLedgerEntry } from '../../ports/import-ledger.port';
import { referencing, translated } from './database-errors';
import { isoOf, type SqlDatabase } from './sql-database';

interface EntryRow {
  fingerprint: string;
  conversation_id: string;
  imported_at: unknown;
}

/**
 * The import ledger in `import_ledger` of the gateway's own database (a server or PGlite): the
 * same behaviour as the memory twin, proven by the same contract suite. Every statement names the
 * caller's id. An entry points at a conversation of its owner (foreign key) and goes when that
 * conversation is deleted, so a deleted import is simply not in the ledger any more.
 */
export class PostgresImportLedger implements ImportLedger {
  constructor(private readonly db: SqlDatabase) {}

  async find(user: UserContext, fingerprints: readonly string[]): Promise<ImportLedgerEntry[]> {
    const wanted = [...new Set(fingerprints)];
    if (wanted.length === 0) return [];
    const { rows } = await translated(() =>
      this.db.query<EntryRow>(
        'SELECT fingerprint, conversation_id, imported_at FROM import_ledger WHERE user_id = $1 AND fingerprint = ANY($2::text[])',
        [user.userId, wanted],
      ),
    );
    // In the order asked, as the twin answers.
    const found = new Map(rows.map((r) => [r.fingerprint, r]));
    return wanted.flatMap((f) => {
      const row = found.get(f);
      return row ? [{ fingerprint: f, conversation_id: row.conversation_id, imported_at: isoOf(row.imported_at) }] : [];
    });
  }

  async record(user: UserContext, entry: ImportLedgerEntry): Promise<void> {
    // A malformed id would fail the uuid cast as an internal error; it names no conversation at all.
    if (!isUuid(entry.conversation_id)) throw notFound('Conversation');
    await referencing('Conversation', () =>
      this.db.query(
        `INSERT INTO import_ledger (user_id, fingerprint, conversation_id, imported_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, fingerprint) DO UPDATE SET conversation_id = EXCLUDED.conversation_id, imported_at = EXCLUDED.imported_at`,
        [user.userId, entry.fingerprint, entry.conversation_id, entry.imported_at],
      ),
    );
  }
}
