/** One row set, as both drivers give it. */
export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** Runs parameterised statements: `$1`, `$2`... are always parameters, never text spliced into SQL. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<Row>>;
  /** Runs a script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** Which engine holds the data and where: for the start banner, `/health` and logs (never a password). */
export interface DatabaseInfo {
  driver: 'postgres' | 'pglite';
  /** `host:port/database` of a server, the data directory of PGlite, or `memory` for an in-memory PGlite. */
  location: string;
}

/**
 * A PostgreSQL database reached through one of two drivers: a `pg` pool on a server, or PGlite
 * (PostgreSQL compiled to WebAssembly) in process. The adapters write one SQL for both.
 */
export interface SqlDatabase extends SqlExecutor {
  readonly info: DatabaseInfo;
  /** `fn` inside BEGIN/COMMIT on one connection; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** `fn` on one dedicated connection (session-level locks need one), outside any transaction. */
  session<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T>;
  /** A round trip (`SELECT 1`), for readiness. */
  ping(): Promise<void>;
  /** Waits for running statements and closes every connection; later calls fail. Idempotent. */
  close(): Promise<void>;
}

/** Reads a timestamptz the way either driver returns it (a Date, or text) as the API's ISO string. */
export function isoOf(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : isoOf(value);
}

/** Reads numeric/bigint columns, which the drivers return as text, as numbers. */
export function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Escapes `%`, `_` and `\` so a term used in LIKE/ILIKE (with the default escape `\`) stands for itself. */
export function likeLiteral(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
