import { expect } from 'chai';
import { AppError } from '../../src/domain/errors/app-error';
import { rejectionOf } from './async';

export { rejectionOf };

/** The AppError a promise rejects with, checked to carry `code`. */
export async function appErrorOf(promise: Promise<unknown>, code: string): Promise<AppError> {
  const err = await rejectionOf(promise);
  expect(err).to.be.instanceOf(AppError);
  expect((err as AppError).code).to.equal(code);
  return err as AppError;
}
