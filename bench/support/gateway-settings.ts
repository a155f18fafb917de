import { randomBytes } from 'node:crypto';
import type { UpstreamUrls } from '../fakes/bench-upstreams';

/**
 * The gateway's settings in the bench: every production setting pointed at the fakes, the run's JWT
 * secret, limits high enough never to refuse the load, sockets for 1,000 streams, and whatever
 * `BENCH_GATEWAY_ENV` adds on top (experiments: what one setting costs).
 */
export function benchGatewaySettings(
  fakes: UpstreamUrls,
  secret: string,
  poolSize: number,
  redis?: { url: string; prefix: string },
): Record<string, string> {
  return {
    SUPABASE_URL: fakes.supabase,
    SUPABASE_ANON_KEY: 'bench-anon-key',
    EDGE_FUNCTION_URL: fakes.edgeFunction,
    LITELLM_URL: fakes.litellm,
    LITELLM_MASTER_KEY: 'sk-bench-master-key',
    JWT_SECRET_KEY: secret,
    JWT_ALLOWED_ALGORITHMS: 'HS256',
    ENABLE_METRICS: 'true',
    // Production refuses public metrics; the bench scrapes them with this run's token.
    METRICS_TOKEN: randomBytes(24).toString('base64url'),
    LOG_LEVEL: 'info',
    CONNECTION_POOL_SIZE: String(poolSize),
    RATE_LIMIT_ANONYMOUS: '1000000',
    RATE_LIMIT_CHAT: '1000000',
    RATE_LIMIT_READS: '1000000',
    RATE_LIMIT_WRITES: '1000000',
    MAX_STREAMS_PER_USER: '1000',
    ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix } : {}),
    ...Object.fromEntries(
      (process.env.BENCH_GATEWAY_ENV ?? '')
        .split(',')
        .filter((pair) => pair.includes('='))
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
  };
}
