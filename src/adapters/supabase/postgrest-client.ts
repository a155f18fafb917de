import type { AxiosResponse } from 'axios';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import { UpstreamClient } from '../http/upstream-client';
import type { UpstreamObserver } from '../http/upstream-observer';

export interface PostgrestClientOptions {
  /** The project URL, without `/rest/v1`. */
  supabaseUrl: string;
  /** Sent as `apikey`; undefined makes every call fail with a clear UPSTREAM_ERROR instead of an anonymous call. */
  anonKey: string | undefined;
  poolSize: number;
  timeoutMs: number;
  retries?: number;
  observer?: UpstreamObserver;
  /** Largest answer read (UPSTREAM_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
}

export interface PostgrestRequest {
  /** Gateway operation name for logs and metrics. */
  operation: string;
  method: 'GET' | 'PATCH' | 'POST' | 'DELETE';
  table: string;
  /**
   * PostgREST filters and modifiers (`id: 'eq.<uuid>'`, `select: '*'`); encoded by the client.
   * URLSearchParams when a column takes two filters (`created_at=gte.…&created_at=lt.…`).
   */
  query: Record<string, string> | URLSearchParams;
  body?: unknown;
  /** `Prefer` header values (`return=representation`, `count=exact`). */
  prefer?: string[];
  /** Safe to repeat (reads; writes that set fixed values). Only these are retried. */
  idempotent: boolean;
  /** What a PGRST116 (no row where one was required) is NOT_FOUND of, e.g. `profile`. */
  notFound: string;
}

/** PostgREST's error body. */
interface PostgrestErrorBody {
  code?: string;
  message?: string;
  details?: unknown;
  hint?: unknown;
}

const JWT_CODES = new Set(['PGRST301', 'PGRST302', 'PGRST303']);

function errorBody(data: unknown): PostgrestErrorBody {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const d = data as Record<string, unknown>;
  return {
    code: typeof d.code === 'string' ? d.code : undefined,
    message: typeof d.message === 'string' ? d.message : typeof d.msg === 'string' ? d.msg : undefined,
  };
}

function retryAfterSeconds(res: AxiosResponse): number | undefined {
  const value = Number(res.headers['retry-after']);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * PostgREST's answers in our codes. Only a rejection of the user's own JWT is an AUTH_* (the one
 * upstream 401 the client must see as a 401: its session is over). A 401/403 about the anon key is
 * the gateway's problem, so a 502; so is an upstream 404 (a missing table is not the user's 404).
 */
export function translatePostgrestError(res: AxiosResponse, notFound: string): AppError {
  const status = res.status;
  const { code, message } = errorBody(res.data);
  const details = {
    upstream: 'supabase',
    upstream_status: status,
    ...(code ? { upstream_code: code } : {}),
    ...(message ? { upstream_message: message.slice(0, 200) } : {}),
  };
  if ((status === 401 && (JWT_CODES.has(code ?? '') || /jwt/i.test(message ?? ''))) || JWT_CODES.has(code ?? '')) {
    return /expired/i.test(message ?? '')
      ? new AppError('AUTH_EXPIRED', 'The access token has expired')
      : new AppError('AUTH_INVALID', 'The access token was rejected by the user directory');
  }
  if (status === 401 || status === 403) {
    const reason = code ? 'permission_denied' : 'api_key_rejected';
    return new AppError('UPSTREAM_ERROR', "Supabase refused the gateway's request", { details: { ...details, reason } });
  }
  if (status === 406 && code === 'PGRST116') return new AppError('NOT_FOUND', `${notFound} not found`);
  if (status === 429 || (status >= 500 && status !== 504)) {
    return new AppError('UPSTREAM_UNAVAILABLE', 'Supabase is unavailable; try again shortly', {
      retryAfterSeconds: retryAfterSeconds(res) ?? 5,
      details,
    });
  }
  if (status === 504) return new AppError('UPSTREAM_TIMEOUT', 'Supabase did not answer in time', { details });
  return new AppError('UPSTREAM_ERROR', 'Supabase answered with an error', { details });
}

/**
 * User-scoped calls to Supabase REST on the shared upstream client: `apikey` is the anon key and
 * `Authorization` the user's own JWT, so RLS limits every query to the user's rows. The service
 * key is deliberately not an option here. Non-2xx answers come back as AppErrors.
 */
export class PostgrestClient {
  readonly upstream: UpstreamClient;

  constructor(
    private readonly options: PostgrestClientOptions,
    clock: Clock,
    logger: Logger,
  ) {
    this.upstream = new UpstreamClient(
      {
        name: 'supabase',
        baseURL: `${options.supabaseUrl.replace(/\/+$/, '')}/rest/v1`,
        poolSize: options.poolSize,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        observer: options.observer,
        maxResponseBytes: options.maxResponseBytes,
      },
      clock,
      logger,
    );
  }

  async request<T = unknown>(user: UserContext, req: PostgrestRequest): Promise<AxiosResponse<T>> {
    if (!this.options.anonKey) {
      throw new AppError('UPSTREAM_ERROR', 'Supabase REST is not configured: SUPABASE_ANON_KEY is missing', {
        details: { upstream: 'supabase', reason: 'not_configured' },
      });
    }
    const headers: Record<string, string> = {
      apikey: this.options.anonKey,
      Authorization: `Bearer ${user.token}`,
      Accept: 'application/json',
    };
    if (req.prefer?.length) headers.Prefer = req.prefer.join(',');
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.upstream.request<T>({
      operation: req.operation,
      idempotent: req.idempotent,
      requestId: user.requestId,
      method: req.method,
      url: `/${req.table}`,
      params: req.query,
      data: req.body,
      headers,
    });
    if (res.status >= 200 && res.status < 300) return res;
    throw translatePostgrestError(res, req.notFound);
  }
}
