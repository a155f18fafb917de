import { EdgeFunctionConversationStore } from '../adapters/edge-function/edge-function-conversation-store';
import { MemoryConversationStore } from '../adapters/memory/memory-conversation-store';
import { ActivateBranch } from '../application/conversations/activate-branch.use-case';
import { ACTIVITY_CACHE_KIND, ConversationActivityCache } from '../application/conversations/conversation-activity-cache';
import { CreateBranch } from '../application/conversations/create-branch.use-case';
import { CreateConversation } from '../application/conversations/create-conversation.use-case';
import { GetConversationFull } from '../application/conversations/get-conversation-full.use-case';
import { GetConversation } from '../application/conversations/get-conversation.use-case';
import { ListBranches } from '../application/conversations/list-branches.use-case';
import { ListConversations } from '../application/conversations/list-conversations.use-case';
import { UpdateConversation } from '../application/conversations/update-conversation.use-case';
import { EditMessage } from '../application/messages/edit-message.use-case';
import { GetMessage } from '../application/messages/get-message.use-case';
import { CONVERSATION_STORE } from '../ports/conversation-store.port';
import { host, type FeatureModule } from './shared';

/** Conversations, branches and messages: the Edge Function, or its in-memory twin (the embedded default). */
export const conversations: FeatureModule = {
  name: 'conversations',
  register(c, config, { clock, ids, logger, metrics, cacheKinds, bind }) {
    if (config.edgeFunctionUrl) {
      const store = new EdgeFunctionConversationStore(
        {
          baseUrl: config.edgeFunctionUrl,
          anonKey: config.supabaseAnonKey ?? '',
          poolSize: config.connectionPoolSize,
          timeoutMs: config.upstreamTimeoutMs,
          maxResponseBytes: config.upstreamMaxResponseBytes,
        },
        clock,
        logger.child({ component: 'edge-function' }),
        metrics,
      );
      c.registerInstance(CONVERSATION_STORE, store);
      bind('ConversationStore', 'edge-function', host(config.edgeFunctionUrl));
    } else {
      c.registerInstance(CONVERSATION_STORE, new MemoryConversationStore(clock, ids, config.effectiveDefaultModel));
      bind('ConversationStore', 'memory');
    }
    // Per-user statistics and usage; every write to a user's conversations drops them (chat turns
    // included, through a turn listener), so ONE instance serves the routes and the listener.
    cacheKinds[ACTIVITY_CACHE_KIND] = { ttlSeconds: config.cacheTtlActivitySeconds, perUser: true };
    c.registerSingleton(ConversationActivityCache);
    for (const useCase of [
      CreateConversation,
      ListConversations,
      GetConversation,
      GetConversationFull,
      UpdateConversation,
      ListBranches,
      CreateBranch,
      ActivateBranch,
      GetMessage,
      EditMessage,
    ] as const) {
      c.registerSingleton(useCase as never);
    }
  },
};
