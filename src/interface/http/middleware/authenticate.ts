import type { Context } from 'koa';
import { AppError } from '../../../domain/errors/app-error';
import type { UserContext } from '../../../domain/user/user-context';
import type { AccessTokenVerifier } from '../../../ports/access-token-verifier.port';
import type { Logger } from '../../../ports/logger.port';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Sets `ctx.state.user` from the bearer token or throws AUTH_*. Failures go to the audit log with
 * the IP and request id, never the token.
 */
export async function authenticate(ctx: Context, verifier: AccessTokenVerifier, audit: Logger): Promise<UserContext> {
  const existing = ctx.state.user as UserContext | undefined;
  if (existing) return existing;
  const header = ctx.get('Authorization');
  try {
    if (!header) throw new AppError('AUTH_REQUIRED', 'Authentication required: send Authorization: Bearer <access token>');
    const match = BEARER.exec(header);
    if (!match?.[1]) throw new AppError('AUTH_INVALID', 'The Authorization header must be "Bearer <access token>"');
    const user = { ...(await verifier.verify(match[1])), requestId: ctx.state.requestId as string, clientIp: ctx.ip };
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
