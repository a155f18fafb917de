import { RingBufferRequestJournal } from '../adapters/logging/ring-buffer-request-journal';
import { secretValues } from '../config/load-config';
import { REQUEST_JOURNAL } from '../ports/request-journal.port';
import type { FeatureModule } from './shared';

/** Development aid: the last requests, sanitised, for GET /debug/requests and `npm run replay`. Never in production. */
export const debugRequests: FeatureModule = {
  name: 'debug-requests',
  register(c, config, { bind }) {
    if (config.isProduction || !(config.debugRequests ?? config.nodeEnv === 'development')) return;
    c.registerInstance(
      REQUEST_JOURNAL,
      new RingBufferRequestJournal({ capacity: config.debugRequestsLimit, maxBodyBytes: 16 * 1024, secrets: secretValues(config) }),
    );
    bind('RequestJournal', 'ring-buffer', `last ${config.debugRequestsLimit} requests at /debug/requests`);
  },
};
