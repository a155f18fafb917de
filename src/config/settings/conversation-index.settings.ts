import { Type } from 'typebox';
import { positiveInt, type SettingDefinition } from '../setting-definition';

/** Search, filtered lists and mass changes over the conversation tables. */
export const CONVERSATION_INDEX_SETTINGS = {
  supabaseMaxRows: {
    env: 'SUPABASE_MAX_ROWS',
    schema: positiveInt(100000),
    default: '1000',
    description:
      "The Supabase project's `max_rows` (API settings; 1000 by default). Supabase cuts every answer to it silently, so searches, statistics and exports read pages of at most this many rows: set it when the project uses a smaller value.",
  },
  searchMaxCandidates: {
    env: 'SEARCH_MAX_CANDIDATES',
    schema: positiveInt(10000),
    default: '1000',
    description:
      'Newest title matches and newest message matches one search looks at (each). A term matching more is answered from those, marked `truncated`.',
  },
  batchConcurrency: {
    env: 'BATCH_CONCURRENCY',
    schema: positiveInt(50),
    default: '5',
    description: 'Upstream calls one batch update keeps in flight at once.',
  },
  batchDeleteConfirmationSecret: {
    env: 'BATCH_DELETE_CONFIRMATION_SECRET',
    schema: Type.String({ minLength: 32 }),
    secret: true,
    description:
      'HMAC key of the confirmation tokens of `DELETE /v1/conversations/batch` (at least 32 characters, the same on every replica). Default: derived from the JWT secret.',
  },
  batchDeleteConfirmationTtlSeconds: {
    env: 'BATCH_DELETE_CONFIRMATION_TTL_SECONDS',
    schema: positiveInt(3600),
    default: '300',
    description: 'How long a mass-deletion confirmation token stays valid.',
  },
} as const satisfies Record<string, SettingDefinition>;
