import { inject, injectable } from 'tsyringe';
import type { ConversationSummary } from '../../domain/conversation/conversation';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { paginate, type Paginated } from '../pagination';

@injectable()
export class ListConversations {
  constructor(@inject(CONVERSATION_STORE) private readonly store: ConversationStore) {}

  async execute(user: UserContext, input: { page: number; limit: number }): Promise<Paginated<ConversationSummary>> {
    return paginate(await this.store.listConversations(user, input));
  }
}
