import { inject, injectable } from 'tsyringe';
import type { ChatMessage } from '../../domain/chat/chat';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { CHAT_POLICY, type ChatPolicy } from '../chat-policy';
import { ChatAccount } from './chat-account';
import type { CompletedTurn, GenerationParams, StreamingTurn } from './chat-turn';
import { ReplyGenerator, type ReplyRequest } from './reply-generator';
import { ServedModels } from './served-models';

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

/** The chat flow: balance -> store the user message -> build context -> model -> save the reply. */
@injectable()
export class SendChatMessage {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(ChatAccount) private readonly account: ChatAccount,
    @inject(ReplyGenerator) private readonly replies: ReplyGenerator,
    @inject(CHAT_POLICY) private readonly policy: ChatPolicy,
    @inject(ServedModels) private readonly models: ServedModels,
  ) {}

  async stream(user: UserContext, cmd: SendChatCommand, signal: AbortSignal): Promise<StreamingTurn> {
    const req = await this.prepare(user, cmd);
    return { placement: req.placement, events: this.replies.stream(req, signal) };
  }

  async complete(user: UserContext, cmd: SendChatCommand, signal: AbortSignal): Promise<CompletedTurn> {
    return this.replies.complete(await this.prepare(user, cmd), signal);
  }

  private async prepare(user: UserContext, cmd: SendChatCommand): Promise<ReplyRequest> {
    // A new conversation gets the gateway's default model, as CreateConversation gives it: left to
    // the store, it would get the Edge Function's own default, which LiteLLM may not serve at all.
    const model = cmd.model ?? (cmd.conversation_id ? undefined : this.policy.defaultModel);
    // Every check that can refuse the turn runs before anything is stored: the balance, the model
    // (the stream slot and the rate limit were taken before this). A missing or foreign
    // conversation or parent message is refused by the store before it writes.
    const { apiKey } = await this.account.authorize(user);
    if (model) await this.models.ensureAllowed(user, apiKey, model);
    const added = await this.store.addUserMessage(user, {
      ...(cmd.conversation_id ? { conversation_id: cmd.conversation_id } : {}),
      ...(cmd.parent_message_id ? { parent_id: cmd.parent_message_id } : {}),
      content: cmd.message,
      ...(model ? { model } : {}),
    });
    const built = await this.store.buildContext(user, {
      conversation_id: added.conversation_id,
      branch_id: added.branch_id,
      max_messages: this.policy.maxContextMessages,
    });
    const prefix = cmd.client_context ?? [];
    const context = [...(added.is_new_conversation ? prefix : prefix.filter((m) => m.role === 'system')), ...built.messages];
    return {
      user,
      apiKey,
      context,
      params: cmd.params,
      placement: {
        conversation_id: added.conversation_id,
        branch_id: added.branch_id,
        user_message_id: added.message_id,
        is_new_conversation: added.is_new_conversation,
        model: cmd.model ?? built.model ?? this.policy.defaultModel,
      },
    };
  }
}
