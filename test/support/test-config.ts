import { DEV_JWT_SECRET, type Config } from '../../src/config/config';
import { loadConfig } from '../../src/config/load-config';
import { REAL_UPSTREAM_SETTINGS } from '../../src/config/startup-safety';

/**
 * A config for tests: quiet logs, plus the given environment. Conversations are kept by the memory
 * twins unless the test names a store (STORAGE, EDGE_FUNCTION_URL or DATABASE_URL): fast, and
 * nothing written to ./data. With a fake upstream configured the service refuses the development
 * secret unless it is set explicitly, so it is set here: tokens of `devToken()` keep working
 * against fakes.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  const namesAStore = env.STORAGE !== undefined || env.EDGE_FUNCTION_URL !== undefined || env.DATABASE_URL !== undefined;
  const pointsAtUpstream = REAL_UPSTREAM_SETTINGS.some(([, name]) => env[name] !== undefined);
  const secret = pointsAtUpstream && env.JWT_SECRET_KEY === undefined ? { JWT_SECRET_KEY: DEV_JWT_SECRET } : {};
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'fatal', ...(namesAStore ? {} : { STORAGE: 'memory' }), ...secret, ...env });
}
