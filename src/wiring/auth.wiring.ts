import { JwksKeyStore } from '../adapters/supabase/auth/jwks-key-store';
import { SupabaseAccessTokenVerifier } from '../adapters/supabase/auth/supabase-access-token-verifier';
import { ACCESS_TOKEN_VERIFIER } from '../ports/access-token-verifier.port';
import { host, type FeatureModule } from './shared';

/** Access tokens: HS* with the project secret, ES256/RS256 through the project's JWKS. */
export const auth: FeatureModule = {
  name: 'auth',
  register(c, config, { clock, logger, bind }) {
    const jwks = config.effectiveJwksUrl
      ? new JwksKeyStore(
          {
            url: config.effectiveJwksUrl,
            cacheSeconds: config.jwksCacheSeconds,
            refetchIntervalSeconds: config.jwksRefetchIntervalSeconds,
            maxStaleSeconds: config.jwksMaxStaleSeconds,
            timeoutMs: config.upstreamTimeoutMs,
          },
          clock,
          logger.child({ component: 'jwks' }),
        )
      : undefined;
    c.registerInstance(
      ACCESS_TOKEN_VERIFIER,
      new SupabaseAccessTokenVerifier(
        {
          allowedAlgorithms: config.jwtAllowedAlgorithms,
          hmacSecret: config.jwtSecret,
          audience: config.jwtAudience,
          issuer: config.expectedIssuer,
          clockSkewSeconds: config.jwtClockSkewSeconds,
        },
        clock,
        jwks,
      ),
    );
    bind(
      'AccessTokenVerifier',
      jwks ? 'supabase-jwt+jwks' : 'supabase-jwt',
      config.usesDevJwtSecret ? 'development secret' : host(config.effectiveJwksUrl),
    );
  },
};
