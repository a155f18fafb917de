// Calls to the gateway with the Supabase session of the signed-in user.
import type { ErrorEnvelope } from '../../clients/typescript';

/** The part of `supabase.auth` (supabase-js v2) this code needs: pass `supabase.auth` itself. */
export interface SessionSource {
  getSession(): Promise<{ data: { session: { access_token: string } | null } }>;
  refreshSession(): Promise<{ data: { session: { access_token: string } | null } }>;
}

/** A session for a token you already hold (a development token from `npm run token`, a script): no refresh. */
export function fixedSession(accessToken: string): SessionSource {
  const session = async () => ({ data: { session: { access_token: accessToken } } });
  return { getSession: session, refreshSession: session };
}

export type ErrorCode = ErrorEnvelope['error']['code'];

/** An error answered by the gateway (the envelope), or a failure announced inside a stream. */
export class GatewayError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** Seconds from `Retry-After`, when the gateway said how long to wait. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: ErrorCode;
    message: string;
    requestId?: string;
    details?: Record<string, unknown>;
    retryAfterSeconds?: number;
  }) {
    super(init.message);
    this.name = 'GatewayError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** The GatewayError of a non-2xx response. */
export async function gatewayErrorOf(response: Response): Promise<GatewayError> {
  let envelope: Partial<ErrorEnvelope> | undefined;
  try {
    envelope = (await response.json()) as Partial<ErrorEnvelope>;
  } catch {
    envelope = undefined; // not JSON: a proxy or load balancer in front of the gateway answered
  }
  const retryAfter = Number(response.headers.get('Retry-After'));
  const error = envelope?.error;
  return new GatewayError({
    status: response.status,
    code: error?.code ?? (response.status >= 502 ? 'UPSTREAM_UNAVAILABLE' : 'INTERNAL_ERROR'),
    message: error?.message ?? `HTTP ${response.status}`,
    requestId: error?.request_id ?? response.headers.get('X-Request-Id') ?? undefined,
    details: error?.details,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  });
}

export interface Gateway {
  /** `fetch` on the gateway with the current access token; refreshes the session once on 401 AUTH_EXPIRED. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** A JSON call answered in the envelope: resolves to its `data`, rejects with a GatewayError. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export function createGateway(baseUrl: string, auth: SessionSource): Gateway {
  const base = baseUrl.replace(/\/+$/, '');

  async function accessToken(refresh: boolean): Promise<string> {
    const { data } = refresh ? await auth.refreshSession() : await auth.getSession();
    if (!data.session) throw new GatewayError({ status: 401, code: 'AUTH_REQUIRED', message: 'Not signed in' });
    return data.session.access_token;
  }

  async function send(path: string, init: RequestInit, refresh: boolean): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${await accessToken(refresh)}`);
    return fetch(`${base}${path}`, { ...init, headers });
  }

  async function gatewayFetch(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await send(path, init, false);
    if (response.status !== 401) return response;
    // The token is checked before anything else happens, so repeating the request is safe.
    const error = await gatewayErrorOf(response.clone());
    if (error.code !== 'AUTH_EXPIRED') return response;
    await response.body?.cancel();
    return send(path, init, true);
  }

  return {
    fetch: gatewayFetch,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await gatewayFetch(path, {
        method,
        ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
      });
      if (!response.ok) throw await gatewayErrorOf(response);
      return ((await response.json()) as { data: T }).data;
    },
  };
}
