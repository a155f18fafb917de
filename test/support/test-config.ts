import type { Config } from '../../src/config/config';
import { loadConfig } from '../../src/config/load-config';

/** A config for tests: the embedded default, quiet logs, plus the given environment. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'fatal', ...env });
}
