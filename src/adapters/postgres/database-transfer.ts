import type { SqlDatabase } from './sql-database';

/**
 * How a table is read in pages: a unique sort key (an SQL expression of fixed text, never a value)
 * and the type its last value is compared as. `seq` compares as a number (as text, 1000 would sort
 * before 999 and pages would skip or repeat rows); text keys compare byte by byte, whatever the
 * database's collation.
 */
interface PageKey {
  sql: string;
  type: 'bigint' | 'text';
}
const BY_SEQ: PageKey = { sql: 'seq', type: 'bigint' };
const byText = (expr: string): PageKey => ({ sql: `(${expr}) COLLATE "C"`, type: 'text' });

/**
 * The tables a transfer carries, parents first, with the columns written back (never the
 * generated search vectors, which the target computes itself). `seq` keeps creation order.
 */
const TABLES: { name: string; columns: string[]; key: PageKey }[] = [
  {
    name: 'user_profiles',
    columns: [
      'id',
      'email',
      'display_name',
      'default_model',
      'locale',
      'preferences',
      'spend',
      'max_budget',
      'litellm_key',
      'closed_at',
      'created_at',
      'updated_at',
    ],
    key: byText('id::text'),
  },
  {
    name: 'conversations',
    columns: ['id', 'user_id', 'title', 'model', 'active_branch_id', 'settings', 'created_at', 'updated_at', 'seq'],
    key: BY_SEQ,
  },
  { name: 'branches', columns: ['id', 'conversation_id', 'user_id', 'parent_message_id', 'name', 'created_at', 'seq'], key: BY_SEQ },
  {
    name: 'messages',
    columns: [
      'id',
      'conversation_id',
      'branch_id',
      'user_id',
      'parent_id',
      'role',
      'content',
      'model',
      'tokens_count',
      'interrupted',
      'created_at',
      'seq',
    ],
    key: BY_SEQ,
  },
  {
    name: 'conversation_shares',
    columns: ['share_id', 'user_id', 'conversation_id', 'branch_id', 'snapshot', 'created_at'],
    key: byText('share_id'),
  },
  // A uuid's text has a fixed length, so the concatenation orders like the pair (user_id, fingerprint).
  {
    name: 'import_ledger',
    columns: ['user_id', 'fingerprint', 'conversation_id', 'imported_at'],
    key: byText('user_id::text || fingerprint'),
  },
];
const JSON_COLUMNS = new Set(['preferences', 'settings', 'snapshot']);
const PAGE = 500;

export const TRANSFER_FORMAT = 'ai-chat-gateway-database';

/** The first line of an export: what it is and which schema it was taken from. */
export interface TransferHeader {
  format: typeof TRANSFER_FORMAT;
  version: 1;
  exported_at: string;
  migrations: number[];
}

export interface TransferLine {
  table: string;
  row: Record<string, unknown>;
}

function plain(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Every row of the gateway's tables as lines (a header, then one line per row, parents first),
 * read in pages so a large database never sits in memory. Money stays exact (numeric as text).
 */
export async function* exportRows(db: SqlDatabase, now: Date): AsyncGenerator<TransferHeader | TransferLine> {
  const { rows: applied } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  yield { format: TRANSFER_FORMAT, version: 1, exported_at: now.toISOString(), migrations: applied.map((r) => r.version) };
  for (const table of TABLES) {
    const cast = table.columns.map((c) => (c === 'spend' || c === 'max_budget' ? `${c}::text` : c)).join(', ');
    const { sql: key, type } = table.key;
    let after: unknown = null;
    for (;;) {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT ${cast}, ${key} AS page_key FROM ${table.name} WHERE $1::${type} IS NULL OR ${key} > $1::${type}
         ORDER BY ${key} LIMIT ${PAGE}`,
        [after === null ? null : String(after)],
      );
      for (const { page_key: _key, ...row } of rows) {
        yield { table: table.name, row: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])) };
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.page_key;
    }
  }
}

/**
 * Writes exported lines into an empty, migrated database: refuses one that already holds
 * conversations or profiles (a transfer never merges). Rows go in transactions of a page each;
 * the identity sequences are moved past the imported `seq` values. Answers the rows per table.
 */
export async function importRows(db: SqlDatabase, lines: AsyncIterable<unknown>): Promise<Record<string, number>> {
  const { rows } = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM user_profiles) AS n');
  if (Number(rows[0]!.n) > 0) throw new Error('the target database already holds conversations or profiles: import into an empty one');
  const counts: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t.name, 0]));
  let batch: TransferLine[] = [];
  let header = false;
  const flush = async (): Promise<void> => {
    const pending = batch;
    batch = [];
    if (pending.length === 0) return;
    await db.transaction(async (tx) => {
      for (const { table, row } of pending) {
        const spec = TABLES.find((t) => t.name === table)!;
        const values = spec.columns.map((c) => (JSON_COLUMNS.has(c) && row[c] != null ? JSON.stringify(row[c]) : (row[c] ?? null)));
        const placeholders = spec.columns.map((c, i) => `$${i + 1}${JSON_COLUMNS.has(c) ? '::jsonb' : ''}`).join(', ');
        const overriding = spec.columns.includes('seq') ? ' OVERRIDING SYSTEM VALUE' : '';
        await tx.query(`INSERT INTO ${spec.name} (${spec.columns.join(', ')})${overriding} VALUES (${placeholders})`, values);
      }
    });
  };
  for await (const line of lines) {
    if (!header) {
      if ((line as TransferHeader)?.format !== TRANSFER_FORMAT)
        throw new Error(`not an export of this gateway (first line is not a ${TRANSFER_FORMAT} header)`);
      header = true;
      continue;
    }
    const { table, row } = line as TransferLine;
    if (!TABLES.some((t) => t.name === table) || typeof row !== 'object' || row === null)
      throw new Error(`unknown line in the export: ${JSON.stringify(line).slice(0, 120)}`);
    batch.push({ table, row });
    counts[table]! += 1;
    if (batch.length >= PAGE) await flush();
  }
  await flush();
  if (!header) throw new Error('the export is empty');
  for (const t of TABLES.filter((x) => x.columns.includes('seq'))) {
    await db.query(`SELECT setval(pg_get_serial_sequence('${t.name}', 'seq'), coalesce((SELECT max(seq) FROM ${t.name}), 0) + 1, false)`);
  }
  return counts;
}
