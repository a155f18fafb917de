import { isAppError } from '../../domain/errors/app-error';
import type { ErrorCode } from '../../domain/errors/error-codes';
import type { Logger } from '../../ports/logger.port';

/** A failure of one item of a batch or export, as the client sees it. */
export interface ItemError {
  code: ErrorCode;
  message: string;
}

/**
 * What a client may learn of one item's failure: the stable code and message of an AppError. Any
 * other error is a bug: it is logged in full and reported as INTERNAL_ERROR without details.
 */
export function itemError(err: unknown, logger: Logger, context: object): ItemError {
  if (isAppError(err) && err.code !== 'INTERNAL_ERROR') return { code: err.code, message: err.message };
  logger.error({ err, ...context }, 'unexpected error in a batch item');
  return { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' };
}
