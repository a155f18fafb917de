import type { TSchema } from 'typebox';
import { AppError } from '../../../domain/errors/app-error';
import { boundedValidators, MAX_REPORTED_ERRORS, toFieldErrors, type FieldError } from '../../../support/json-schema';
import { textRuleViolations } from './text-rule';

// Bodies: no coercion, nothing removed — an unknown field is an error, not silently dropped.
const bodyValidator = boundedValidators({ coerceTypes: false, removeAdditional: false, useDefaults: false });
// Path and query values arrive as text.
const textValidator = boundedValidators({ coerceTypes: 'array', removeAdditional: false, useDefaults: true });

export type Location = 'path' | 'query' | 'body';

export interface CompiledValidator {
  (value: unknown): FieldError[];
}

/** The schema, then the text rule (text-rule.ts) on every string: the one place both are applied. */
export function compileValidator(schema: TSchema, location: Location): CompiledValidator {
  const validate = (location === 'body' ? bodyValidator : textValidator)(schema);
  return (value: unknown) => {
    const fields = toFieldErrors(validate(value));
    return [...fields, ...textRuleViolations(value)].slice(0, MAX_REPORTED_ERRORS).map((f) => ({ ...f, location }));
  };
}

export function validationError(fields: FieldError[]): AppError {
  return new AppError('VALIDATION_ERROR', 'The request is invalid', { details: { fields } });
}
