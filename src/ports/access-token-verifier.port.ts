import type { UserContext } from '../domain/user/user-context';
import { token } from './token';

/**
 * Turns a bearer token into the caller's identity, or throws an AppError with
 * AUTH_INVALID / AUTH_EXPIRED (or UPSTREAM_UNAVAILABLE when the signing keys cannot be fetched).
 */
export interface AccessTokenVerifier {
  verify(token: string): Promise<UserContext>;
}

export const ACCESS_TOKEN_VERIFIER = token<AccessTokenVerifier>('AccessTokenVerifier');
