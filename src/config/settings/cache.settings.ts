import { positiveInt, type SettingDefinition } from '../setting-definition';

/** How long cached reads live. */
export const CACHE_SETTINGS = {
  cacheTtlModelsSeconds: {
    env: 'CACHE_TTL_MODELS_SECONDS',
    schema: positiveInt(86400),
    default: '3600',
    description:
      'How long the model catalogue is cached. When LiteLLM is down after that, the last good catalogue is served, marked stale. ' +
      'Each replica also keeps the copy it read in memory for up to 5 s, never past this TTL.',
  },
  cacheTtlProfileSeconds: {
    env: 'CACHE_TTL_PROFILE_SECONDS',
    schema: positiveInt(86400),
    default: '900',
    description: 'How long a user profile and balance are cached (invalidated at once by a profile change and when a chat finishes).',
  },
  cacheTtlActivitySeconds: {
    env: 'CACHE_TTL_ACTIVITY_SECONDS',
    schema: positiveInt(86400),
    default: '60',
    description:
      'How long conversation statistics and usage reports are cached (dropped at once by batch updates, deletions and finished chats).',
  },
} as const satisfies Record<string, SettingDefinition>;
