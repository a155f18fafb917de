import type { Context, Middleware } from 'koa';
import { AppError, isAppError } from '../../../domain/errors/app-error';
import type { ErrorCode } from '../../../domain/errors/error-codes';
import type { Logger } from '../../../ports/logger.port';
import { errorEnvelope } from '../envelope';
import { DEFAULT_MESSAGE, STATUS_BY_CODE } from '../errors/error-status';

interface HttpLikeError {
  name?: string;
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  headers?: Record<string, string>;
}

/** Headers that stay on an error response: tracing, CORS, rate limits, security policy. */
const KEPT_ON_ERROR =
  /^(x-request-id|x-conversation-id|x-branch-id|vary|allow|access-control-.*|ratelimit.*|content-security-policy|strict-transport-security|x-content-type-options|x-frame-options|x-dns-prefetch-control|referrer-policy|x-download-options|x-permitted-cross-domain-policies|cross-origin-.*|origin-agent-cluster|x-xss-protection)$/i;

/**
 * body-parser marks a parse failure with `type: 'entity.parse.failed'`; co-body (under koa-body)
 * sets no type and throws the SyntaxError of JSON.parse (or of its strict-mode check) with status 400.
 */
function isJsonParseFailure(err: HttpLikeError): boolean {
  return err.type === 'entity.parse.failed' || err.name === 'SyntaxError';
}

/** Errors thrown by Koa, the router and the body parser, in terms of our codes. */
/** The client errors Koa and its body parser raise by status; a 400 is INVALID_JSON when the JSON did not parse. */
const CODE_BY_CLIENT_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function fromHttpError(err: HttpLikeError): AppError | undefined {
  const status = err.status ?? err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const code = status === 400 && isJsonParseFailure(err) ? 'INVALID_JSON' : CODE_BY_CLIENT_STATUS[status];
  return code ? new AppError(code, DEFAULT_MESSAGE[code]) : undefined;
}

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  return fromHttpError((err ?? {}) as HttpLikeError) ?? new AppError('INTERNAL_ERROR', DEFAULT_MESSAGE.INTERNAL_ERROR, { cause: err });
}

/** Writes an AppError as the envelope, with the headers its code implies. */
export function writeError(ctx: Context, error: AppError): void {
  const status = STATUS_BY_CODE[error.code];
  ctx.state.errorCode = error.code;
  ctx.status = status;
  if (error.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(Math.max(0, Math.ceil(error.retryAfterSeconds))));
  if (status === 401) ctx.set('WWW-Authenticate', 'Bearer');
  ctx.body = errorEnvelope({
    message: error.message,
    code: error.code,
    ...(error.details ? { details: error.details } : {}),
    request_id: ctx.state.requestId as string,
  });
}

/**
 * Turns every error into the envelope (docs/architecture.md, Errors). Unknown errors are a 500 with the request id and
 * nothing else; the full error goes to the log only.
 */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'INTERNAL_ERROR') {
        logger.error({ err: error.cause ?? err, request_id: ctx.state.requestId }, 'unhandled error');
      } else if (STATUS_BY_CODE[error.code] >= 500) {
        logger.warn(
          { request_id: ctx.state.requestId, code: error.code, message: error.message, details: error.details },
          'upstream failure',
        );
      }
      if (ctx.headerSent || ctx.res.writableEnded) return; // a stream reports its own failures
      // Headers set for the success path (e.g. a stream's) must not leak into the error.
      for (const name of Object.keys(ctx.response.headers)) {
        if (!KEPT_ON_ERROR.test(name)) ctx.remove(name);
      }
      writeError(ctx, error);
    }
  };
}
