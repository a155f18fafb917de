/**
 * Development only: prints an access token for a user id, signed like a Supabase token with the
 * secret the service is configured with (the development secret when JWT_SECRET_KEY is unset).
 *   npm run token -- <user-id> [--expires-in 3600] [--email someone@example.com]
 */
import jwt, { type Algorithm } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import type { Config } from '../src/config/config';
import { loadConfig } from '../src/config/load-config';
import { isUuid } from '../src/domain/user/uuid';

export interface MintOptions {
  /** Lifetime in seconds; 3600 when not given. */
  expiresInSeconds?: number;
  /** Default: `<first 8 characters of the id>@example.com`. */
  email?: string;
}

/**
 * A user access token shaped like Supabase's, with exactly the algorithm, secret, audience and
 * issuer the verifier built from the same `config` checks. Refuses in production.
 */
export function mintDevToken(config: Config, userId: string, options: MintOptions = {}): string {
  if (config.isProduction) throw new Error('npm run token is for development: refusing with NODE_ENV=production.');
  if (!isUuid(userId)) throw new Error(`The user id must be a UUID (the token's sub): ${userId}`);
  const secret = config.jwtSecret;
  if (!secret) throw new Error('No JWT secret configured.');
  if (!config.jwtAllowedAlgorithms.includes(config.jwtAlgorithm)) {
    throw new Error(`JWT_ALGORITHM ${config.jwtAlgorithm} is not in JWT_ALLOWED_ALGORITHMS: the gateway would reject the token.`);
  }
  const expiresIn = options.expiresInSeconds ?? 3600;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0) throw new Error(`The lifetime must be a positive number of seconds: ${expiresIn}`);
  return jwt.sign(
    {
      sub: userId,
      email: options.email ?? `${userId.slice(0, 8)}@example.com`,
      role: 'authenticated',
      aal: 'aal1',
      session_id: randomUUID(),
      is_anonymous: false,
    },
    secret,
    {
      algorithm: config.jwtAlgorithm as Algorithm,
      audience: config.jwtAudience,
      expiresIn,
      ...(config.expectedIssuer ? { issuer: config.expectedIssuer } : {}),
    },
  );
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  try {
    const config = loadConfig();
    const userId = process.argv.slice(2).find((a) => !a.startsWith('--') && isUuid(a)) ?? randomUUID();
    const expires = arg('--expires-in');
    const token = mintDevToken(config, userId, {
      expiresInSeconds: expires === undefined ? undefined : Number(expires),
      email: arg('--email'),
    });
    process.stdout.write(`${token}\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}

if (require.main === module) main();
