/**
 * Development only: prints an access token for a user id, signed like a Supabase token with the
 * secret the service is configured with (the development secret when JWT_SECRET_KEY is unset).
 *   npm run token -- <user-id> [--expires-in 3600] [--email someone@example.com]
 */
import jwt, { type Algorithm } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config/load-config';
import { isUuid } from '../src/domain/user/uuid';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const config = loadConfig();
  if (config.isProduction) {
    process.stderr.write('npm run token is for development: refusing with NODE_ENV=production.\n');
    process.exit(1);
  }
  const userId = process.argv.slice(2).find((a) => !a.startsWith('--') && isUuid(a)) ?? randomUUID();
  const expiresIn = Number(arg('--expires-in') ?? 3600);
  const email = arg('--email') ?? `${userId.slice(0, 8)}@example.com`;
  const secret = config.jwtSecret;
  if (!secret) {
    process.stderr.write('No JWT secret configured.\n');
    process.exit(1);
  }
  const token = jwt.sign(
    { sub: userId, email, role: 'authenticated', aal: 'aal1', session_id: randomUUID(), is_anonymous: false },
    secret,
    {
      algorithm: config.jwtAlgorithm as Algorithm,
      audience: config.jwtAudience,
      expiresIn,
      ...(config.expectedIssuer ? { issuer: config.expectedIssuer } : {}),
    },
  );
  process.stdout.write(`${token}\n`);
}

main();
