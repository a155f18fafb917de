import { inject, injectable } from 'tsyringe';
import type { Conversation, Message } from '../../domain/conversation/conversation';
import { describeConversation, type BranchView, type ConversationTree } from '../../domain/conversation/conversation-tree';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';

export interface ConversationFullView {
  conversation: Conversation;
  branches: BranchView[];
  messages: Message[];
  tree: ConversationTree;
}

/** The whole conversation with every branch and message, plus a tree a client can render directly. */
@injectable()
export class GetConversationFull {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  async execute(user: UserContext, conversationId: string): Promise<ConversationFullView> {
    const full = await this.store.getConversationFull(user, conversationId);
    const { branches, tree } = describeConversation(full);
    const messages = [...full.messages].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
    return { conversation: full.conversation, branches, messages, tree };
  }
}
