import { inject, injectable } from 'tsyringe';
import { describeConversation, type BranchView } from '../../domain/conversation/conversation-tree';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';

/**
 * Branches with statistics. They are computed from the full conversation (one upstream call)
 * because the Edge Function's branch list carries no reliable counts.
 */
@injectable()
export class ListBranches {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  async execute(user: UserContext, conversationId: string): Promise<BranchView[]> {
    return describeConversation(await this.store.getConversationFull(user, conversationId)).branches;
  }
}
