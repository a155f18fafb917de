import type { Context } from 'koa';
import { AppError } from '../../../domain/errors/app-error';
import type { UserContext } from '../../../domain/user/user-context';
import type { AccessTokenVerifier } from '../../../ports/access-token-verifier.port';
import type { Logger } from '../../../ports/logger.port';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Why the token of this request was not accepted, kept by `identify` for `authenticate`. */
const FAILURE = 'authFailure';

async function verifyHeader(ctx: Context, verifier: AccessTokenVerifier): Promise<UserContext> {
  const header = ctx.get('Authorization');
  if (!header) throw new AppError('AUTH_REQUIRED', 'Authentication required: send Authorization: Bearer <access token>');
  const match = BEARER.exec(header);
  if (!match?.[1]) throw new AppError('AUTH_INVALID', 'The Authorization header must be "Bearer <access token>"');
  return { ...(await verifier.verify(match[1])), requestId: ctx.state.requestId as string, clientIp: ctx.ip };
}

/**
 * First thing per request: who is calling, if anyone. A valid token sets `ctx.state.user`, so the
 * request is limited per user; a missing, malformed or failing one leaves the caller anonymous
 * (limited per IP, which bounds token guessing) and is remembered for `authenticate`, which
 * refuses it where a token is required. Never throws.
 */
export async function identify(ctx: Context, verifier: AccessTokenVerifier): Promise<void> {
  if (ctx.state.user || !ctx.get('Authorization') || ctx.method === 'OPTIONS') return;
  try {
    ctx.state.user = await verifyHeader(ctx, verifier);
  } catch (err) {
    ctx.state[FAILURE] = err;
  }
}

/**
 * Sets `ctx.state.user` from the bearer token or throws AUTH_*. Failures go to the audit log with
 * the IP and request id, never the token.
 */
export async function authenticate(ctx: Context, verifier: AccessTokenVerifier, audit: Logger): Promise<UserContext> {
  const existing = ctx.state.user as UserContext | undefined;
  if (existing) return existing;
  try {
    const earlier = ctx.state[FAILURE] as unknown;
    if (earlier !== undefined) throw earlier;
    const user = await verifyHeader(ctx, verifier);
    ctx.state.user = user;
    return user;
  } catch (err) {
    if (err instanceof AppError && err.code.startsWith('AUTH_')) {
      audit.warn(
        {
          event: 'auth_failure',
          code: err.code,
          reason: err.message,
          ip: ctx.ip,
          request_id: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
        },
        'authentication failed',
      );
    }
    throw err;
  }
}
