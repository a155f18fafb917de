import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { ChatAccount } from './chat-account';
import type { GenerationParams } from './chat-turn';
import type { PreparedTurn } from './prepared-turn';
import { TurnBuilder } from './turn-builder';

export interface RegenerateCommand {
  /** The assistant reply to produce again. */
  message_id: string;
  /** When given (the previous gateway's call), the message must belong to it. */
  conversation_id?: string;
  model?: string;
  branch_name?: string;
  params: GenerationParams;
}

/**
 * A new reply to the same user message, on a new branch forked at that message; the new branch
 * becomes the visible thread once it holds a reply, the old reply stays on its branch.
 */
@injectable()
export class RegenerateMessage {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(ChatAccount) private readonly account: ChatAccount,
    @inject(TurnBuilder) private readonly turns: TurnBuilder,
  ) {}

  async prepare(user: UserContext, cmd: RegenerateCommand): Promise<PreparedTurn> {
    const { apiKey } = await this.account.authorize(user);
    if (cmd.conversation_id) {
      const message = await this.store.getMessage(user, cmd.message_id);
      if (message.conversation_id !== cmd.conversation_id) throw new AppError('NOT_FOUND', 'Message not found in this conversation');
    }
    const fork = await this.store.regenerateFork(user, cmd.message_id, cmd.branch_name ? { branch_name: cmd.branch_name } : {});
    return this.turns.build({
      user,
      apiKey,
      at: {
        conversation_id: fork.conversation_id,
        branch_id: fork.branch_id,
        user_message_id: fork.parent_message_id,
        is_new_conversation: false,
      },
      ...(cmd.model ? { model: cmd.model } : {}),
      params: cmd.params,
      // Not before: a model that fails before its first token (rate limit, timeout) must not hide
      // the old reply behind an empty branch.
      onAnswered: () => this.store.activateBranch(user, fork.conversation_id, fork.branch_id),
    });
  }
}
