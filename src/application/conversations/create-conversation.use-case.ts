import { inject, injectable } from 'tsyringe';
import type { Conversation } from '../../domain/conversation/conversation';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { CHAT_POLICY, type ChatPolicy } from '../chat/chat-policy';

@injectable()
export class CreateConversation {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(CHAT_POLICY) private readonly policy: ChatPolicy,
  ) {}

  execute(user: UserContext, input: { title?: string; model?: string }): Promise<Conversation> {
    const title = input.title?.trim();
    return this.store.createConversation(user, { ...(title ? { title } : {}), model: input.model ?? this.policy.defaultModel });
  }
}
