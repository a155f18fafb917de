/**
 * The stable error codes clients may rely on (docs/architecture.md, Errors). They carry no HTTP status: the interface
 * layer maps them in one table.
 */
export const ERROR_CODES = [
  'INVALID_JSON',
  'BAD_REQUEST',
  'AUTH_REQUIRED',
  'AUTH_INVALID',
  'AUTH_EXPIRED',
  'INSUFFICIENT_BALANCE',
  'FORBIDDEN',
  'ACCOUNT_NOT_PROVISIONED',
  'MODEL_NOT_ALLOWED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'CONFIRMATION_REQUIRED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'VALIDATION_ERROR',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'UPSTREAM_ERROR',
  'UPSTREAM_CONTRACT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'SERVICE_SHUTTING_DOWN',
  'STREAM_INTERRUPTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
