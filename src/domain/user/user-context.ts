/**
 * Who is calling, as the use cases see it: no Koa context, no claims they do not need.
 * `token` is the raw access token, kept only to forward it to upstreams under RLS; never logged.
 */
export interface UserContext {
  readonly userId: string;
  readonly token: string;
  readonly email?: string;
  /** The request this call serves, forwarded upstream as X-Request-Id for tracing. */
  readonly requestId?: string;
  /** The caller's IP as the gateway sees it (TRUST_PROXY decides), for the audit log only. */
  readonly clientIp?: string;
}
