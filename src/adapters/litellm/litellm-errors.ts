import { AppError, type ErrorDetails } from '../../domain/errors/app-error';

const UPSTREAM = 'litellm';
const MAX_MESSAGE_LENGTH = 500;

/** An error as LiteLLM words it, whichever body shape it came in. */
export interface LiteLlmError {
  message: string;
  type?: string;
  /** A string in LiteLLM's bodies (`"401"`), whatever type it arrived as. */
  code?: string;
  param?: string;
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** LiteLLM writes a missing `param` as the Python string "None". */
function param(value: unknown): string | undefined {
  const p = text(value);
  return p && p !== 'None' && p !== 'null' ? p : undefined;
}

/**
 * The error of a LiteLLM body: `{"error":{"message","type","param","code"}}` (code a string),
 * `{"error":"..."}`, the older `{"detail":"..."}` or FastAPI's `{"detail":[{msg,loc}]}`, or plain text.
 */
export function parseLiteLlmError(body: unknown): LiteLlmError | undefined {
  let value = body;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!trimmed) return undefined;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { message: trimmed };
    }
  }
  if (value === null || typeof value !== 'object') return text(value) ? { message: text(value) as string } : undefined;
  const obj = value as Record<string, unknown>;
  if (obj.error !== undefined && obj.error !== null) {
    if (typeof obj.error !== 'object') return { message: text(obj.error) ?? 'Unknown error' };
    const e = obj.error as Record<string, unknown>;
    return { message: text(e.message) ?? 'Unknown error', type: text(e.type), code: text(e.code), param: param(e.param) };
  }
  if (obj.detail !== undefined && obj.detail !== null) {
    const d = obj.detail;
    if (Array.isArray(d)) {
      const first = d[0] as { msg?: unknown; loc?: unknown } | undefined;
      const loc = Array.isArray(first?.loc) ? (first.loc as unknown[]).filter((p) => p !== 'body').join('.') : undefined;
      return { message: text(first?.msg) ?? text(d) ?? 'Invalid request', param: loc || undefined };
    }
    if (typeof d === 'object') {
      const inner = d as Record<string, unknown>;
      return { message: text(inner.error) ?? text(inner.message) ?? text(d) ?? 'Unknown error', type: text(inner.type) };
    }
    return { message: text(d) ?? 'Unknown error' };
  }
  if (obj.message !== undefined) return { message: text(obj.message) ?? 'Unknown error', type: text(obj.type), code: text(obj.code) };
  return undefined;
}

/**
 * An upstream message as it may reach a client or a log: LiteLLM echoes (partly masked) keys in
 * its auth errors, so anything key-shaped and the caller's own key are cut out, and the length is bounded.
 */
export function sanitizeUpstreamMessage(message: string, apiKey?: string): string {
  let out = message;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('[REDACTED]');
  out = out
    .replace(/\b(Bearer)\s+\S+/gi, '$1 [REDACTED]')
    .replace(/\bsk-[A-Za-z0-9_*.-]+/g, '[REDACTED]')
    .replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[REDACTED]');
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH)}…` : out;
}

/** `Retry-After` as whole seconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: unknown, nowMs: number): number | undefined {
  const value = text(Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.max(1, Math.ceil(Number(value)));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(1, Math.ceil((at - nowMs) / 1000));
}

/** `x-litellm-response-cost`, in USD, when it is a finite non-negative number. */
export function parseCost(header: unknown): number | undefined {
  const value = text(Array.isArray(header) ? header[0] : header);
  if (value === undefined || value.trim() === '') return undefined;
  const cost = Number(value);
  return Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

function isModelAccessDenied(e: LiteLlmError): boolean {
  return (
    /_model_access_denied$/.test(e.type ?? '') ||
    /_model_access_denied$/.test(e.code ?? '') ||
    /not allowed to access model|(cannot|can't|can not) access (this )?model|can only access models/i.test(e.message)
  );
}

function isBudgetExceeded(e: LiteLlmError): boolean {
  return (
    e.type === 'budget_exceeded' || e.code === 'budget_exceeded' || /budget has been exceeded|exceeded budget|over budget/i.test(e.message)
  );
}

function isUnknownModel(e: LiteLlmError): boolean {
  return /invalid model name|model[^.]{0,80}(not found|does not exist)|no such model|unknown model/i.test(e.message);
}

/** "Budget has been exceeded! Current cost: 10.5, Max budget: 10.0" -> the numbers, when present. */
function budgetDetails(message: string): ErrorDetails {
  const m = /current cost:\s*([-+]?\d*\.?\d+(?:e[-+]?\d+)?)[\s\S]*?max budget:\s*([-+]?\d*\.?\d+(?:e[-+]?\d+)?)/i.exec(message);
  if (!m) return {};
  const spent = Number(m[1]);
  const maxBudget = Number(m[2]);
  if (!Number.isFinite(spent) || !Number.isFinite(maxBudget)) return {};
  return { available_balance: Math.round((maxBudget - spent) * 1e9) / 1e9, max_budget: maxBudget, current_cost: spent };
}

export interface TranslateContext {
  model: string;
  apiKey?: string;
  nowMs: number;
  headers: Record<string, unknown>;
}

/**
 * A non-200 answer of `/chat/completions` as an AppError (docs/upstreams/litellm.md, Errors):
 * - 401/403 saying the key may not use the model -> MODEL_NOT_ALLOWED; any other 401/403 rejected
 *   the user's LiteLLM key, not the user's session, so it is UPSTREAM_ERROR with `details.cause`
 *   (never AUTH_*, which would log the user out);
 * - 400 `budget_exceeded` -> INSUFFICIENT_BALANCE; 400/422 -> VALIDATION_ERROR with the upstream
 *   message; 404 (or a 400 naming an unknown model) -> VALIDATION_ERROR on `model`: the client asked
 *   for a model that does not exist, which is a fault of the request, not of the upstream;
 * - 429 -> RATE_LIMITED with `Retry-After` (1 s when LiteLLM gives none);
 * - 503 -> UPSTREAM_UNAVAILABLE (the proxy says it is down: retry later); 408/504 -> UPSTREAM_TIMEOUT
 *   (LiteLLM's own provider timeouts); other 5xx and anything else -> UPSTREAM_ERROR.
 */
export function translateLiteLlmStatus(status: number, body: unknown, ctx: TranslateContext): AppError {
  const parsed = parseLiteLlmError(body) ?? { message: `HTTP ${status}` };
  const message = sanitizeUpstreamMessage(parsed.message, ctx.apiKey);
  const upstream: ErrorDetails = {
    upstream: UPSTREAM,
    status,
    ...(parsed.type ? { upstream_type: parsed.type } : {}),
    ...(parsed.code ? { upstream_code: parsed.code } : {}),
    upstream_message: message,
  };
  const e = { ...parsed, message };

  if ((status === 401 || status === 403 || status === 400) && isModelAccessDenied(e)) {
    return new AppError('MODEL_NOT_ALLOWED', `Your key may not use the model ${ctx.model}`, { details: { model: ctx.model, ...upstream } });
  }
  if (status === 401 || status === 403) {
    return new AppError('UPSTREAM_ERROR', 'The model proxy rejected the key of this account', {
      details: { cause: status === 401 ? 'llm_key_rejected' : 'llm_key_forbidden', ...upstream },
    });
  }
  if ((status === 400 || status === 402) && isBudgetExceeded(e)) {
    return new AppError('INSUFFICIENT_BALANCE', 'The budget of this account is exhausted', {
      details: { ...budgetDetails(parsed.message), ...upstream },
    });
  }
  if (status === 404 || ((status === 400 || status === 422) && isUnknownModel(e))) {
    return new AppError('VALIDATION_ERROR', `Unknown model: ${ctx.model}`, {
      details: { fields: [{ path: 'model', message: message }], ...upstream },
    });
  }
  if (status === 400 || status === 422) {
    return new AppError('VALIDATION_ERROR', message, {
      details: { fields: parsed.param ? [{ path: parsed.param, message }] : [], ...upstream },
    });
  }
  if (status === 429) {
    return new AppError('RATE_LIMITED', 'The model proxy is rate limiting this account; retry later', {
      retryAfterSeconds: parseRetryAfter(ctx.headers['retry-after'], ctx.nowMs) ?? 1,
      details: upstream,
    });
  }
  if (status === 503) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'The model proxy is unavailable; try again shortly', {
      retryAfterSeconds: parseRetryAfter(ctx.headers['retry-after'], ctx.nowMs) ?? 5,
      details: upstream,
    });
  }
  if (status === 408 || status === 504) {
    return new AppError('UPSTREAM_TIMEOUT', 'The model did not answer in time', { details: upstream });
  }
  return new AppError('UPSTREAM_ERROR', 'The model proxy answered with an error', { details: upstream });
}

/** `data: {"error":{...}}` after the stream started: the status is already 200 and no `[DONE]` follows. */
export function streamErrorObject(error: unknown, apiKey?: string): AppError {
  const parsed = parseLiteLlmError({ error }) ?? { message: 'Unknown error' };
  return new AppError('UPSTREAM_ERROR', 'The model failed while answering', {
    details: {
      upstream: UPSTREAM,
      phase: 'stream',
      ...(parsed.type ? { upstream_type: parsed.type } : {}),
      ...(parsed.code ? { upstream_code: parsed.code } : {}),
      upstream_message: sanitizeUpstreamMessage(parsed.message, apiKey),
    },
  });
}
