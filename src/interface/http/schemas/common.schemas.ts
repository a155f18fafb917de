import { Type } from 'typebox';
import { ERROR_CODES } from '../../../domain/errors/error-codes';

/**
 * Schemas marked with `x-component` become shared `#/components/schemas` entries in the OpenAPI
 * document (referenced by `$ref`); the validator ignores the marker.
 */
export const COMPONENT_KEY = 'x-component';

export const Uuid = Type.String({ format: 'uuid', maxLength: 36, description: 'A UUID.' });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601 timestamp with offset.' });

export const PaginationSchema = Type.Object(
  {
    page: Type.Integer({ minimum: 1 }),
    limit: Type.Integer({ minimum: 1 }),
    total: Type.Integer({ minimum: 0 }),
    pages: Type.Integer({ minimum: 0 }),
  },
  { 'x-component': 'Pagination', description: 'Position in a paginated list.' },
);

export const FieldErrorSchema = Type.Object(
  {
    path: Type.String({ description: 'Dotted path of the bad field, e.g. `title` or `messages.0.content`.' }),
    message: Type.String(),
    location: Type.Optional(Type.Enum(['path', 'query', 'body'])),
  },
  { 'x-component': 'FieldError' },
);

/**
 * What every enveloped success shares; each operation narrows `data` with `allOf`, so generated
 * clients see one envelope type and the operation's own `data`.
 */
export const SuccessEnvelopeSchema = Type.Object(
  {
    success: Type.Literal(true),
    data: Type.Unknown({ description: "The operation's result (see each operation)." }),
  },
  {
    'x-component': 'SuccessEnvelope',
    description: 'Every successful response except the health checks and the OpenAI-compatible chat objects.',
  },
);

export const ErrorEnvelopeSchema = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      message: Type.String({ description: 'Human readable; may change between versions.' }),
      code: Type.Enum([...ERROR_CODES], { description: 'Stable machine-readable code.' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      request_id: Type.String({ description: 'Quote it when reporting a problem.' }),
    }),
  },
  { 'x-component': 'ErrorEnvelope', description: 'Every error of the API.' },
);

/** Query parameters shared by paginated lists. */
export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Page number, from 1.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page (at most 100).' })),
};
