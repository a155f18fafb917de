import type { Config } from '../../src/config/config';
import { loadConfig } from '../../src/config/load-config';

/**
 * A config for tests: quiet logs, plus the given environment. Conversations are kept by the memory
 * twins unless the test names a store (STORAGE, EDGE_FUNCTION_URL or DATABASE_URL): fast, and
 * nothing written to ./data.
 */
export function testConfig(env: Record<string, string> = {}): Config {
  const namesAStore = env.STORAGE !== undefined || env.EDGE_FUNCTION_URL !== undefined || env.DATABASE_URL !== undefined;
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'fatal', ...(namesAStore ? {} : { STORAGE: 'memory' }), ...env });
}
