import { DEV_JWT_SECRET, type SettingValues } from './config';

/**
 * Settings pointing at a real service. While one is set, data or money of real users is behind the
 * gateway, so the public development JWT secret must never be the key that admits them. (REDIS_URL
 * is not one: it only caches what these hold.)
 */
export const REAL_UPSTREAM_SETTINGS = [
  ['supabaseUrl', 'SUPABASE_URL'],
  ['edgeFunctionUrl', 'EDGE_FUNCTION_URL'],
  ['litellmUrl', 'LITELLM_URL'],
  ['jwksUrl', 'JWKS_URL'],
] as const satisfies readonly (readonly [keyof SettingValues, string])[];

const SYMMETRIC = ['HS256', 'HS384', 'HS512'];

/** The environment variables of the real upstreams that are configured. */
export function configuredRealUpstreams(v: SettingValues): string[] {
  return REAL_UPSTREAM_SETTINGS.filter(([key]) => v[key] !== undefined).map(([, env]) => env);
}

/** Whether some HS* algorithm is allowed, i.e. the HMAC secret admits tokens. */
export function allowsSymmetricTokens(v: Pick<SettingValues, 'jwtAllowedAlgorithms'>): boolean {
  return (v.jwtAllowedAlgorithms ?? []).some((alg) => SYMMETRIC.includes(alg));
}

/**
 * Combinations of individually valid settings that would run the service unsafely: each problem is
 * a sentence saying what to set instead. `explicit` holds the variables the environment set. A
 * setting that failed its own check is absent from `v` (and named already): rules skip it.
 */
export function unsafeCombinations(v: SettingValues, isProduction: boolean, explicit: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (isProduction && v.enableMetrics && !v.metricsToken && v.metricsPort === undefined) {
    problems.push(
      'ENABLE_METRICS is on in production but /metrics would be public (request counts, error codes, token use and cost by model): ' +
        'set METRICS_TOKEN (Prometheus sends it as a bearer token), or METRICS_PORT for a separate listener on METRICS_HOST (127.0.0.1 unless set), ' +
        'or ENABLE_METRICS=false',
    );
  }
  if (v.metricsPort !== undefined && v.metricsPort !== 0 && v.metricsPort === v.port) {
    problems.push('METRICS_PORT must differ from PORT (metrics get a listener of their own)');
  }
  const upstreams = configuredRealUpstreams(v);
  // Production already requires JWT_SECRET_KEY on its own; this covers every other NODE_ENV.
  if (!isProduction && !explicit.has('JWT_SECRET_KEY') && upstreams.length > 0 && allowsSymmetricTokens(v)) {
    problems.push(
      `JWT_SECRET_KEY is required because ${upstreams.join(', ')} ${upstreams.length > 1 ? 'point' : 'points'} at a real service: ` +
        'the built-in development secret is public, so anyone could sign tokens for it. Set JWT_SECRET_KEY to the project JWT secret ' +
        '(Supabase: Project Settings > API > JWT secret), or remove HS256/HS384/HS512 from JWT_ALLOWED_ALGORITHMS to accept JWKS-signed tokens only',
    );
  }
  if (isProduction && v.jwtSecretKey === DEV_JWT_SECRET) {
    problems.push('JWT_SECRET_KEY is the public development secret: set the project JWT secret');
  }
  if (
    v.jwtAlgorithm &&
    v.jwtAllowedAlgorithms &&
    !v.jwtAllowedAlgorithms.includes(v.jwtAlgorithm) &&
    (explicit.has('JWT_ALGORITHM') || allowsSymmetricTokens(v))
  ) {
    problems.push(
      `JWT_ALGORITHM ${v.jwtAlgorithm} is not in JWT_ALLOWED_ALGORITHMS (${v.jwtAllowedAlgorithms.join(',')}): ` +
        'tokens signed with it would be rejected; add it to the list or choose one of the list',
    );
  }
  if (v.jwksMaxStaleSeconds !== undefined && v.jwksCacheSeconds !== undefined && v.jwksMaxStaleSeconds < v.jwksCacheSeconds) {
    problems.push('JWKS_MAX_STALE_SECONDS must be at least JWKS_CACHE_SECONDS (keys are kept at least as long as they are cached)');
  }
  return problems;
}
