import { Type } from 'typebox';
import { httpUrl, positiveInt, type SettingDefinition } from '../setting-definition';

/** Access tokens: the secret or JWKS they are checked with, and the claims required. */
export const AUTH_SETTINGS = {
  jwtSecretKey: {
    env: 'JWT_SECRET_KEY',
    schema: Type.String({ minLength: 32 }),
    requiredInProduction: true,
    secret: true,
    description:
      'Supabase JWT secret for HS256 tokens (at least 32 characters). In development a fixed development secret is used when unset, and the banner says so.',
  },
  jwtAlgorithm: {
    env: 'JWT_ALGORITHM',
    schema: Type.Enum(['HS256', 'HS384', 'HS512']),
    default: 'HS256',
    description: 'Algorithm of tokens signed with `JWT_SECRET_KEY` (and of `npm run token`).',
  },
  jwtAllowedAlgorithms: {
    env: 'JWT_ALLOWED_ALGORITHMS',
    schema: Type.Array(Type.Enum(['HS256', 'HS384', 'HS512', 'ES256', 'RS256']), { minItems: 1 }),
    list: true,
    default: 'HS256,ES256,RS256',
    description:
      'Allow-list of token algorithms. HS* verify with `JWT_SECRET_KEY` only; ES256/RS256 with the JWKS only. `none` is never accepted. Must contain `JWT_ALGORITHM` whenever it allows an HS* algorithm or `JWT_ALGORITHM` is set.',
  },
  jwtAudience: {
    env: 'JWT_AUDIENCE',
    schema: Type.String({ minLength: 1 }),
    default: 'authenticated',
    description: 'Required `aud` claim.',
  },
  jwtIssuer: {
    env: 'JWT_ISSUER',
    schema: Type.String({ minLength: 1 }),
    description: 'Required `iss` claim. Default: `<SUPABASE_URL>/auth/v1` when SUPABASE_URL is set, else not checked.',
  },
  jwksUrl: {
    env: 'JWKS_URL',
    schema: httpUrl,
    description: 'JWKS for ES256/RS256 tokens. Default: `<SUPABASE_URL>/auth/v1/.well-known/jwks.json`.',
  },
  jwksCacheSeconds: {
    env: 'JWKS_CACHE_SECONDS',
    schema: positiveInt(600),
    default: '600',
    description: 'How long the JWKS is cached (Supabase caches it 10 minutes: at most 600).',
  },
  jwksMaxStaleSeconds: {
    env: 'JWKS_MAX_STALE_SECONDS',
    schema: positiveInt(7 * 24 * 3600),
    default: '3600',
    description:
      'While the JWKS endpoint is down, the last keys fetched are still used for this long after that fetch; then they are dropped and ES256/RS256 tokens get 503 until the endpoint answers again.',
  },
  jwksRefetchIntervalSeconds: {
    env: 'JWKS_REFETCH_INTERVAL_SECONDS',
    schema: positiveInt(3600),
    default: '30',
    description: 'Minimum time between two JWKS refetches caused by an unknown `kid` (key rotation).',
  },
  jwtClockSkewSeconds: {
    env: 'JWT_CLOCK_SKEW_SECONDS',
    schema: Type.Integer({ minimum: 0, maximum: 300 }),
    default: '30',
    description: 'Clock skew tolerated on `exp` and `nbf`.',
  },
} as const satisfies Record<string, SettingDefinition>;
