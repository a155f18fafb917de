import jwt, { type SignOptions } from 'jsonwebtoken';
import { DEV_JWT_SECRET } from '../../src/config/config';

export const USER_A = '11111111-1111-4111-8111-111111111111';
export const USER_B = '22222222-2222-4222-8222-222222222222';

/** A Supabase-like user token signed with the development secret (what `npm run token` makes). */
export function devToken(sub: string = USER_A, options: SignOptions = {}, extraClaims: Record<string, unknown> = {}): string {
  return jwt.sign({ sub, role: 'authenticated', email: 'user@example.com', ...extraClaims }, DEV_JWT_SECRET, {
    algorithm: 'HS256',
    audience: 'authenticated',
    expiresIn: 3600,
    ...options,
  });
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
