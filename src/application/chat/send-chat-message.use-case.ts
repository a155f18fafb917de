import { inject, injectable } from 'tsyringe';
import type { ChatMessage } from '../../domain/chat/chat';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { CHAT_POLICY, type ChatPolicy } from './chat-policy';
import { ChatAccount } from './chat-account';
import type { GenerationParams } from './chat-turn';
import type { PreparedTurn } from './prepared-turn';
import { TurnBuilder } from './turn-builder';

export interface SendChatCommand {
  /** Absent: a new conversation. */
  conversation_id?: string;
  /** Answer from this message instead of the end of the active branch (forks a branch). */
  parent_message_id?: string;
  /** The new user message. */
  message: string;
  model?: string;
  /**
   * Messages the client sent before the new one (OpenAI form). They are context only, never
   * stored: all of them for a new conversation (a stateless client), only system prompts for an
   * existing one (its history comes from the store).
   */
  client_context?: ChatMessage[];
  params: GenerationParams;
}

/**
 * Sending a message: balance -> store the user message -> build the context. The TurnRunner then
 * calls the model and saves the reply.
 */
@injectable()
export class SendChatMessage {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(ChatAccount) private readonly account: ChatAccount,
    @inject(TurnBuilder) private readonly turns: TurnBuilder,
    @inject(CHAT_POLICY) private readonly policy: ChatPolicy,
  ) {}

  async prepare(user: UserContext, cmd: SendChatCommand): Promise<PreparedTurn> {
    // The balance is checked before anything is stored or any model is called.
    const { apiKey } = await this.account.authorize(user);
    // A new conversation gets the gateway's default model, as CreateConversation gives it: left to
    // the store, it would get the Edge Function's own default, which LiteLLM may not serve at all.
    const model = cmd.model ?? (cmd.conversation_id ? undefined : this.policy.defaultModel);
    const added = await this.store.addUserMessage(user, {
      ...(cmd.conversation_id ? { conversation_id: cmd.conversation_id } : {}),
      ...(cmd.parent_message_id ? { parent_id: cmd.parent_message_id } : {}),
      content: cmd.message,
      ...(model ? { model } : {}),
    });
    return this.turns.build({
      user,
      apiKey,
      at: {
        conversation_id: added.conversation_id,
        branch_id: added.branch_id,
        user_message_id: added.message_id,
        is_new_conversation: added.is_new_conversation,
      },
      ...(cmd.model ? { model: cmd.model } : {}),
      ...(cmd.client_context ? { clientContext: cmd.client_context } : {}),
      params: cmd.params,
    });
  }
}
