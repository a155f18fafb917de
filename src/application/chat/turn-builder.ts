import { inject, injectable } from 'tsyringe';
import type { ChatMessage } from '../../domain/chat/chat';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { CHAT_POLICY, type ChatPolicy } from './chat-policy';
import type { GenerationParams, TurnPlacement } from './chat-turn';
import type { PreparedTurn } from './prepared-turn';

export interface TurnSpec {
  user: UserContext;
  /** The user's own model key (ChatAccount.authorize). */
  apiKey: string;
  /** Where the reply goes: the stored user message it answers, on its branch. */
  at: Omit<TurnPlacement, 'model'>;
  /** The model asked for; else the conversation's, else the gateway's default. */
  model?: string;
  /**
   * Messages the client sent before the new one (OpenAI form), never stored: all of them for a new
   * conversation (a stateless client), only system prompts for an existing one (its history comes
   * from the store).
   */
  clientContext?: ChatMessage[];
  params: GenerationParams;
  onAnswered?: () => Promise<void>;
}

/** The end every turn shares, whether it sends a message or regenerates a reply: context and model. */
@injectable()
export class TurnBuilder {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(CHAT_POLICY) private readonly policy: ChatPolicy,
  ) {}

  async build(spec: TurnSpec): Promise<PreparedTurn> {
    const { at } = spec;
    const built = await this.store.buildContext(spec.user, {
      conversation_id: at.conversation_id,
      branch_id: at.branch_id,
      max_messages: this.policy.maxContextMessages,
    });
    const prefix = spec.clientContext ?? [];
    return {
      request: {
        user: spec.user,
        apiKey: spec.apiKey,
        context: [...(at.is_new_conversation ? prefix : prefix.filter((m) => m.role === 'system')), ...built.messages],
        params: spec.params,
        placement: { ...at, model: spec.model ?? built.model ?? this.policy.defaultModel },
      },
      ...(spec.onAnswered ? { onAnswered: spec.onAnswered } : {}),
    };
  }
}
