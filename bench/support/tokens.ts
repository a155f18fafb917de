import jwt from 'jsonwebtoken';
import { randomBytes, randomUUID } from 'node:crypto';

export interface BenchUser {
  id: string;
  token: string;
}

/** A secret for this run only: the tokens signed with it are worthless anywhere else. */
export function benchSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Users with Supabase-shaped access tokens, signed HS256 with the gateway's JWT_SECRET_KEY. */
export function benchUsers(count: number, secret: string, supabaseUrl: string): BenchUser[] {
  return Array.from({ length: count }, () => {
    const id = randomUUID();
    const token = jwt.sign({ sub: id, role: 'authenticated', email: `${id.slice(0, 8)}@bench.example`, aal: 'aal1' }, secret, {
      algorithm: 'HS256',
      audience: 'authenticated',
      issuer: `${supabaseUrl}/auth/v1`,
      expiresIn: 3600,
    });
    return { id, token };
  });
}
