import { DEV_JWT_SECRET, type Config } from '../../src/config/config';
import { loadConfig } from '../../src/config/load-config';
import { REAL_UPSTREAM_SETTINGS } from '../../src/config/startup-safety';

/**
 * A config for tests: the embedded default, quiet logs, plus the given environment. With a fake
 * upstream configured the service refuses the development secret unless it is set explicitly, so
 * it is set here: tokens of `devToken()` keep working against fakes.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  const pointsAtUpstream = REAL_UPSTREAM_SETTINGS.some(([, name]) => env[name] !== undefined);
  const secret = pointsAtUpstream && env.JWT_SECRET_KEY === undefined ? { JWT_SECRET_KEY: DEV_JWT_SECRET } : {};
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'fatal', ...secret, ...env });
}
