import { AppError, isAppError } from '../../domain/errors/app-error';

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
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
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
