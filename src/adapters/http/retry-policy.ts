import axios, { type AxiosError } from 'axios';
import { exponentialDelay, isNetworkError, retryAfter } from 'axios-retry';

/**
 * When and how long an upstream call is retried, in one place for both transports (axios-retry's
 * hooks and the direct path's loop): idempotent calls only, after a network error, a timeout, a
 * 5xx or a 429 (never after an oversized answer), unless the upstream asks for a wait longer than `maxRetryDelayMs`; exponential
 * backoff from 100 ms with jitter, honouring `Retry-After`, capped at `maxRetryDelayMs`.
 */
export function isTimeout(err: AxiosError): boolean {
  return err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || err.code === 'ERR_CANCELED_TIMEOUT' || /timeout/i.test(err.message);
}

/** The transport gave up reading an answer longer than maxContentLength (axios' error, kept by the direct path). */
export function isOversized(err: AxiosError): boolean {
  return err.code === 'ERR_BAD_RESPONSE' && err.message.startsWith('maxContentLength size of');
}

export function shouldRetry(err: AxiosError, idempotent: boolean, maxRetryDelayMs: number): boolean {
  if (!idempotent || axios.isCancel(err) || isOversized(err)) return false;
  if (retryAfter(err) > maxRetryDelayMs) return false;
  const status = err.response?.status;
  return isNetworkError(err) || isTimeout(err) || status === 429 || (status !== undefined && status >= 500);
}

/** Wait before retry number `count` (1 for the first retry). */
export function retryDelayMs(count: number, err: AxiosError, maxRetryDelayMs: number): number {
  return Math.min(exponentialDelay(count, err, 100), maxRetryDelayMs);
}

/** A status the transport answered that is worth another attempt (seen as an error by the policy). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}
