import { expect } from 'chai';
import { AppError } from '../../src/domain/errors/app-error';

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The AppError a promise rejects with, checked to carry `code`. */
export async function appErrorOf(promise: Promise<unknown>, code: string): Promise<AppError> {
  const err = await rejectionOf(promise);
  expect(err).to.be.instanceOf(AppError);
  expect((err as AppError).code).to.equal(code);
  return err as AppError;
}
