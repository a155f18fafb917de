import { instanceCachingFactory } from 'tsyringe';
import { LiteLlmGateway } from '../adapters/litellm/litellm-llm-gateway';
import { LOCAL_MODEL_IDS, LocalEchoLlmGateway } from '../adapters/memory/local-echo-llm-gateway';
import { RedisStreamSlots } from '../adapters/redis/redis-stream-slots';
import { CHAT_POLICY } from '../application/chat/chat-policy';
import { ChatAccount } from '../application/chat/chat-account';
import { TURN_LISTENERS, type TurnListener } from '../application/chat/chat-turn';
import { MetricsTurnListener } from '../application/chat/metrics-turn-listener';
import { RegenerateMessage } from '../application/chat/regenerate-message.use-case';
import { ReplyGenerator } from '../application/chat/reply-generator';
import { SendChatMessage } from '../application/chat/send-chat-message.use-case';
import { StreamSlotPolicy } from '../application/chat/stream-slot-policy';
import { TurnBuilder } from '../application/chat/turn-builder';
import { TurnRunner } from '../application/chat/turn-runner';
import { ConversationActivityCache, InvalidateActivityOnTurn } from '../application/conversations/conversation-activity-cache';
import { InvalidateUserCacheOnTurn } from '../application/user/invalidate-on-turn.listener';
import { InvalidateUserCache } from '../application/user/invalidate-user-cache.use-case';
import { LLM_GATEWAY } from '../ports/llm-gateway.port';
import { STREAM_SLOTS } from '../ports/rate-limit-store.port';
import { host, type FeatureModule } from './shared';

/** Chat turns: the model proxy (LiteLLM with the user's own key, or the local models), the turn listeners, the use cases. */
export const chat: FeatureModule = {
  name: 'chat',
  register(c, config, { clock, logger, metrics, redis, litellm, bind }) {
    if (config.litellmUrl && litellm) {
      c.registerInstance(
        LLM_GATEWAY,
        new LiteLlmGateway(
          {
            baseUrl: config.litellmUrl,
            poolSize: config.connectionPoolSize,
            firstTokenTimeoutMs: config.llmFirstTokenTimeoutMs,
            idleTimeoutMs: config.llmIdleTimeoutMs,
            totalTimeoutMs: config.streamTimeoutSeconds * 1000,
            observer: metrics,
            maxResponseBytes: config.upstreamMaxResponseBytes,
          },
          clock,
          logger.child({ component: 'litellm' }),
          // The same client as the model catalogue: one pool, one circuit breaker for LiteLLM.
          litellm,
        ),
      );
      bind('LlmGateway', 'litellm', host(config.litellmUrl));
    } else {
      c.registerInstance(LLM_GATEWAY, new LocalEchoLlmGateway({ tokenDelayMs: config.localModelTokenDelayMs }));
      bind('LlmGateway', 'local', LOCAL_MODEL_IDS.join(', '));
    }
    c.registerInstance(CHAT_POLICY, {
      defaultModel: config.effectiveDefaultModel,
      maxContextMessages: config.maxContextMessages,
      maxStreamsPerUser: config.maxStreamsPerUser,
    });
    // Open streams per user, counted across replicas in Redis when it is there.
    c.registerInstance(STREAM_SLOTS, new RedisStreamSlots(redis, config.streamTimeoutSeconds + 60, config.redisKeyPrefix));
    // Built on first use, when every module has registered: the listeners get the same singletons
    // as the routes (resolving a class before its registration would build a second instance).
    c.register(TURN_LISTENERS, {
      useFactory: instanceCachingFactory<readonly TurnListener[]>((d) => [
        new MetricsTurnListener(metrics),
        new InvalidateUserCacheOnTurn(d.resolve(InvalidateUserCache)),
        new InvalidateActivityOnTurn(d.resolve(ConversationActivityCache)),
      ]),
    });
    for (const useCase of [
      ChatAccount,
      ReplyGenerator,
      TurnBuilder,
      TurnRunner,
      StreamSlotPolicy,
      SendChatMessage,
      RegenerateMessage,
    ] as const) {
      c.registerSingleton(useCase as never);
    }
  },
};
