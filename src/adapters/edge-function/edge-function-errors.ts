import { AppError } from '../../domain/errors/app-error';

export const EDGE_FUNCTION_UPSTREAM = 'edge_function';

/** Upstream text is bounded before it goes into an error or a log line. */
const MAX_UPSTREAM_MESSAGE = 300;

export interface EdgeFunctionFailure {
  operation: string;
  /** What a 404 is about ("Conversation", "Message"...). */
  resource: string;
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
  nowMs: number;
}

/**
 * The function's own error string, when the body is its envelope `{success:false, error:"..."}`.
 * Anything else (an HTML page, the platform gateway's `{message}`) is not the function speaking.
 */
export function upstreamMessage(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const error = (data as { error?: unknown }).error;
  return typeof error === 'string' ? error.slice(0, MAX_UPSTREAM_MESSAGE) : undefined;
}

/** The Supabase platform gateway's own refusals, e.g. `{"message":"Invalid API key"}`. */
function platformMessage(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const message = (data as { message?: unknown }).message;
  return typeof message === 'string' ? message.slice(0, MAX_UPSTREAM_MESSAGE) : undefined;
}

/** `Retry-After` in seconds (delta or HTTP date), or undefined when absent or unreadable. */
export function retryAfterSeconds(headers: Record<string, unknown>, nowMs: number): number | undefined {
  const raw = headers['retry-after'];
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(1, Math.ceil((date - nowMs) / 1000));
}

/**
 * Every non-2xx answer of the Edge Function as an AppError (network failures, timeouts and an open
 * circuit are already AppErrors from UpstreamClient). Upstream bodies are never echoed: only the
 * function's own short error string, and only where it helps the client fix its request.
 */
export function edgeFunctionError(failure: EdgeFunctionFailure): AppError {
  const { operation, resource, status, data } = failure;
  const base = { upstream: EDGE_FUNCTION_UPSTREAM, operation, status };
  const message = upstreamMessage(data);
  const isJson = data !== null && typeof data === 'object';

  // Gateways and load balancers in front of the function: it is down or overloaded, whatever the body says.
  if (status === 502 || status === 503 || status === 504 || status === 429) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'The conversation service is unavailable; try again shortly', {
      details: base,
      retryAfterSeconds: retryAfterSeconds(failure.headers, failure.nowMs),
    });
  }
  if (!isJson) {
    return new AppError('UPSTREAM_ERROR', 'The conversation service answered with an unreadable error', {
      details: { ...base, reason: 'non_json_body' },
    });
  }
  switch (status) {
    case 400:
      return new AppError('VALIDATION_ERROR', message ?? 'The conversation service rejected the request', {
        details: { ...base, upstream_message: message ?? null, fields: [{ path: '(root)', message: message ?? 'rejected upstream' }] },
      });
    case 401: {
      // Only a refusal of the user's own JWT is a 401 for the client; a refused anon key is ours to fix.
      const platform = platformMessage(data);
      if (message === undefined && platform !== undefined && /api.?key/i.test(platform)) {
        return new AppError('UPSTREAM_ERROR', 'The conversation service refused the gateway credentials', {
          details: { ...base, cause: 'apikey rejected' },
        });
      }
      const text = message ?? platform ?? '';
      if (/expired/i.test(text)) return new AppError('AUTH_EXPIRED', 'The access token has expired');
      return new AppError('AUTH_INVALID', 'The conversation service rejected the access token');
    }
    case 404:
      // A 404 without the function's envelope is the platform not finding the function: a misconfigured URL.
      if (message === undefined) {
        return new AppError('UPSTREAM_ERROR', 'The conversation service was not found at EDGE_FUNCTION_URL', {
          details: { ...base, reason: 'function_not_found' },
        });
      }
      return new AppError('NOT_FOUND', `${resource} not found`);
    default:
      return new AppError('UPSTREAM_ERROR', 'The conversation service answered with an error', {
        details: { ...base, ...(status < 500 && message ? { upstream_message: message } : {}) },
      });
  }
}
