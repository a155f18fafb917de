import { createHmac, randomBytes } from 'node:crypto';
import { MemoryConversationIndex } from '../adapters/memory/memory-conversation-index';
import { MemoryConversationStore } from '../adapters/memory/memory-conversation-store';
import { SupabaseConversationIndex } from '../adapters/supabase/supabase-conversation-index';
import { BatchDeleteConversations } from '../application/conversations/batch-delete-conversations.use-case';
import { BatchUpdateConversations } from '../application/conversations/batch-update-conversations.use-case';
import { CONVERSATION_INDEX_POLICY } from '../application/conversations/conversation-index-policy';
import { ConversationMatcher } from '../application/conversations/conversation-matcher';
import { DELETE_CONFIRMATION_OPTIONS } from '../application/conversations/delete-confirmation';
import { SearchConversations } from '../application/conversations/search-conversations.use-case';
import { ExportConversations } from '../application/export/export-conversations.use-case';
import { GetConversationStats } from '../application/user/get-conversation-stats.use-case';
import { GetUsage } from '../application/user/get-usage.use-case';
import type { Config } from '../config/config';
import { CONVERSATION_INDEX, type ConversationIndex } from '../ports/conversation-index.port';
import { CONVERSATION_STORE } from '../ports/conversation-store.port';
import type { Logger } from '../ports/logger.port';
import { host, type FeatureModule } from './shared';

/**
 * The conversation index (search, filtered lists, mass updates and deletion, export, usage and
 * statistics): Supabase REST on the same tables as the Edge Function, or a second view of the
 * memory store's own rows. Registered after `conversations`, whose store it may read.
 */
export const conversationIndex: FeatureModule = {
  name: 'conversation-index',
  register(c, config, { supabaseRest, clock, ids, logger, bind }) {
    let index: ConversationIndex;
    if (supabaseRest) {
      index = new SupabaseConversationIndex(
        { ...supabaseRest.options, client: supabaseRest.client, pageSize: config.supabaseMaxRows },
        clock,
        logger.child({ component: 'conversation-index' }),
      );
      bind('ConversationIndex', 'supabase-rest', host(config.supabaseUrl));
    } else {
      const store = c.resolve(CONVERSATION_STORE);
      const tables = store instanceof MemoryConversationStore ? store : new MemoryConversationStore(clock, ids);
      if (tables !== store)
        logger.warn({}, 'EDGE_FUNCTION_URL is set without SUPABASE_URL: search, statistics and mass deletion see no conversations');
      index = new MemoryConversationIndex(tables);
      bind('ConversationIndex', 'memory', tables === store ? undefined : 'empty: set SUPABASE_URL');
    }
    c.registerInstance(CONVERSATION_INDEX, index);
    c.registerInstance(CONVERSATION_INDEX_POLICY, {
      searchMaxCandidates: config.searchMaxCandidates,
      batchConcurrency: config.batchConcurrency,
      activityMaxRows: 100_000,
    });
    c.registerInstance(DELETE_CONFIRMATION_OPTIONS, {
      secret: confirmationSecret(config, logger),
      ttlSeconds: config.batchDeleteConfirmationTtlSeconds,
    });
    for (const useCase of [
      ConversationMatcher,
      SearchConversations,
      BatchUpdateConversations,
      BatchDeleteConversations,
      ExportConversations,
      GetUsage,
      GetConversationStats,
    ] as const) {
      c.registerSingleton(useCase as never);
    }
  },
};

/**
 * Derived, like the development JWT secret, so one setting is enough in production; a change of
 * JWT secret only voids the confirmations in flight.
 */
function confirmationSecret(config: Config, logger: Logger): string {
  const secret =
    config.batchDeleteConfirmationSecret ??
    (config.jwtSecret && createHmac('sha256', config.jwtSecret).update('batch-delete-confirmation/v1').digest('hex'));
  if (secret) return secret;
  logger.warn({}, 'no BATCH_DELETE_CONFIRMATION_SECRET nor JWT secret: mass-deletion confirmations are valid on this replica only');
  return randomBytes(32).toString('hex');
}
