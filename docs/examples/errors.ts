// What to do with each error code, and retries that honour Retry-After.
import { GatewayError, type ErrorCode } from './gateway-api';

export interface ErrorAdvice {
  /** What to tell the user. */
  show: string;
  /** `wait`: retry after `Retry-After` (or a short backoff); `refresh`: refresh the session, then retry once; `no`: do not repeat as is. */
  retry: 'wait' | 'refresh' | 'no';
}

/** One entry per code of the API: the compiler fails when the API gains a code this table lacks. */
export const ERROR_ADVICE: Record<ErrorCode, ErrorAdvice> = {
  INVALID_JSON: { show: 'Something went wrong sending your request.', retry: 'no' },
  BAD_REQUEST: { show: 'Something went wrong sending your request.', retry: 'no' },
  AUTH_REQUIRED: { show: 'Please sign in.', retry: 'no' },
  AUTH_INVALID: { show: 'Your session is no longer valid. Please sign in again.', retry: 'no' },
  AUTH_EXPIRED: { show: '(nothing: refresh the session and retry once)', retry: 'refresh' },
  INSUFFICIENT_BALANCE: { show: 'Your balance is used up. Top up to continue chatting.', retry: 'no' },
  FORBIDDEN: { show: 'This is not allowed.', retry: 'no' },
  ACCOUNT_NOT_PROVISIONED: { show: 'Your account is still being set up. Try again in a few minutes.', retry: 'no' },
  MODEL_NOT_ALLOWED: { show: 'Your plan does not include this model. Pick another one.', retry: 'no' },
  NOT_FOUND: { show: 'This conversation or message no longer exists.', retry: 'no' },
  METHOD_NOT_ALLOWED: { show: 'Something went wrong (unsupported call).', retry: 'no' },
  CONFLICT: { show: 'This changed in the meantime. Reload and try again.', retry: 'no' },
  CONFIRMATION_REQUIRED: { show: 'Confirm the deletion of the conversations listed.', retry: 'no' },
  PAYLOAD_TOO_LARGE: { show: 'Your message is too long.', retry: 'no' },
  UNSUPPORTED_MEDIA_TYPE: { show: 'Something went wrong sending your request.', retry: 'no' },
  VALIDATION_ERROR: { show: 'Please check the highlighted fields.', retry: 'no' },
  RATE_LIMITED: { show: 'Too many requests. Retrying in a moment…', retry: 'wait' },
  INTERNAL_ERROR: { show: 'Something went wrong on our side. Quote the request id if you contact support.', retry: 'no' },
  UPSTREAM_ERROR: { show: 'The service had a problem answering. Please try again.', retry: 'no' },
  UPSTREAM_CONTRACT: { show: 'The service had a problem answering. Please try again.', retry: 'no' },
  UPSTREAM_UNAVAILABLE: { show: 'The service is temporarily unavailable. Retrying…', retry: 'wait' },
  UPSTREAM_TIMEOUT: { show: 'The model took too long to answer. Please try again.', retry: 'wait' },
  SERVICE_SHUTTING_DOWN: { show: 'The service is restarting. Retrying…', retry: 'wait' },
  STREAM_INTERRUPTED: { show: 'The reply was cut off; the text so far is saved. Retry to continue.', retry: 'wait' },
};

/** `{path, message}` per bad field of a VALIDATION_ERROR, to show next to the inputs. */
export function fieldErrors(error: GatewayError): { path: string; message: string }[] {
  const fields = error.details?.fields;
  return Array.isArray(fields) ? (fields as { path: string; message: string }[]) : [];
}

/**
 * Whether repeating the request can do no harm: reads and PATCHes always (same result twice);
 * other writes only when the gateway's own rate limit refused them, before anything was stored
 * (`details.class`, or `details.reason: "too_many_streams"` for chat streams).
 */
export function isSafeToRetry(error: GatewayError, method: string): boolean {
  if (ERROR_ADVICE[error.code].retry !== 'wait') return false;
  if (['GET', 'HEAD', 'PATCH'].includes(method.toUpperCase())) return true;
  return error.code === 'RATE_LIMITED' && (error.details?.class !== undefined || error.details?.reason === 'too_many_streams');
}

export interface RetryOptions {
  maxAttempts?: number;
  /** Longest wait accepted, in seconds: a longer `Retry-After` is shown to the user instead. */
  maxWaitSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `attempt`, repeating it while the gateway says to wait, as long as `Retry-After` says. */
export async function withRetry<T>(method: string, attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { maxAttempts = 3, maxWaitSeconds = 30, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)) } = options;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof GatewayError) || n >= maxAttempts || !isSafeToRetry(err, method)) throw err;
      const seconds = err.retryAfterSeconds ?? 2 ** (n - 1);
      if (seconds > maxWaitSeconds) throw err;
      await sleep(seconds * 1000);
    }
  }
}
