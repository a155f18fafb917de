import { AppError, isAppError, notFound } from '../../domain/errors/app-error';

/** The SQLSTATE a driver failure carries (both drivers put it in `code`), or '' when it has none. */
export function sqlState(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

/** SQLSTATE classes and socket errors that mean "the database cannot be reached right now". */
function isUnavailable(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || /^E[A-Z]+$/.test(code);
}

/**
 * A driver failure as an AppError: a statement past DATABASE_STATEMENT_TIMEOUT_MS is
 * UPSTREAM_TIMEOUT (504), a database that cannot be reached is UPSTREAM_UNAVAILABLE (503), so
 * clients may retry; anything else (a bug, a broken invariant) stays an internal error. The
 * driver's message is kept as the cause for the logs only, never sent to the client.
 */
export function databaseError(err: unknown): unknown {
  if (isAppError(err)) return err;
  const code = sqlState(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code === '57014') return new AppError('UPSTREAM_TIMEOUT', 'The database did not answer in time', { cause: err });
  if (isUnavailable(code) || /timeout exceeded when trying to connect|Connection terminated|pool after calling end/i.test(message)) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'The database is unavailable', { cause: err });
  }
  return err;
}

/** `fn`, with driver failures translated by `databaseError`. */
export async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw databaseError(err);
  }
}

/**
 * `fn`, a write of a row that points at another through a foreign key, with driver failures
 * translated. A foreign key violation means the row pointed at is gone (deleted meanwhile) or is
 * not the caller's (the keys include the owner): NOT_FOUND of `what`, as a read would say.
 */
export async function referencing<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (sqlState(err) === '23503') throw notFound(what);
    throw databaseError(err);
  }
}
