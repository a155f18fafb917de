import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import type { ImportLedger, ImportLedgerEntry } from '../../ports/import-ledger.port';
import type { PostgrestClient } from './postgrest-client';

const TABLE = 'import_ledger';
/** Fingerprints per `in.(...)` filter: 64 hex characters each keeps the URL well under 8 KB. */
const CHUNK = 100;

/**
 * The import ledger in the `import_ledger` table of Supabase (docs/supabase-shares.sql), through
 * Supabase REST with the user's own JWT: row-level security keeps each user to their own rows.
 */
export class SupabaseImportLedger implements ImportLedger {
  constructor(private readonly client: PostgrestClient) {}

  async find(user: UserContext, fingerprints: readonly string[]): Promise<ImportLedgerEntry[]> {
    const unique = [...new Set(fingerprints)];
    const found: ImportLedgerEntry[] = [];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const res = await this.client.request<ImportLedgerEntry[]>(user, {
        operation: 'import-ledger.find',
        method: 'GET',
        table: TABLE,
        query: { select: 'fingerprint,conversation_id,imported_at', fingerprint: `in.(${unique.slice(i, i + CHUNK).join(',')})` },
        idempotent: true,
        notFound: 'Import ledger entry',
      });
      if (!Array.isArray(res.data)) {
        throw new AppError('UPSTREAM_CONTRACT', 'Supabase answered an unusable import ledger', { details: { upstream: 'supabase' } });
      }
      found.push(
        ...res.data.map((r) => ({
          fingerprint: r.fingerprint,
          conversation_id: r.conversation_id,
          imported_at: new Date(r.imported_at).toISOString(),
        })),
      );
    }
    return found;
  }

  async record(user: UserContext, entry: ImportLedgerEntry): Promise<void> {
    await this.client.request(user, {
      operation: 'import-ledger.record',
      method: 'POST',
      table: TABLE,
      query: { on_conflict: 'owner_id,fingerprint' },
      body: entry,
      prefer: ['resolution=merge-duplicates', 'return=minimal'],
      idempotent: true,
      notFound: 'Import ledger entry',
    });
  }
}
