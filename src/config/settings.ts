import type { SettingDefinition } from './setting-definition';
import { SERVICE_SETTINGS } from './settings/service.settings';
import { UPSTREAM_SETTINGS } from './settings/upstreams.settings';
import { STORAGE_SETTINGS } from './settings/storage.settings';
import { AUTH_SETTINGS } from './settings/auth.settings';
import { CHAT_SETTINGS } from './settings/chat.settings';
import { CACHE_SETTINGS } from './settings/cache.settings';
import { RATE_LIMIT_SETTINGS } from './settings/rate-limits.settings';
import { OBSERVABILITY_SETTINGS } from './settings/observability.settings';
import { CONVERSATION_INDEX_SETTINGS } from './settings/conversation-index.settings';
import { STREAM_SETTINGS } from './settings/streams.settings';

export type { SettingDefinition } from './setting-definition';

/**
 * Every setting the service reads, in one table assembled from one file per concern: the config
 * loader, `.env.example` and the README's configuration table are all derived from it, so they
 * cannot drift apart. A new setting goes in the file of its concern (docs/architecture.md).
 */
export const SETTINGS = {
  ...SERVICE_SETTINGS,
  ...UPSTREAM_SETTINGS,
  ...STORAGE_SETTINGS,
  ...AUTH_SETTINGS,
  ...CHAT_SETTINGS,
  ...STREAM_SETTINGS,
  ...CACHE_SETTINGS,
  ...RATE_LIMIT_SETTINGS,
  ...OBSERVABILITY_SETTINGS,
  ...CONVERSATION_INDEX_SETTINGS,
} as const satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTINGS;
