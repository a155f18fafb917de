import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CONVERSATION_STORE, type ConversationStore } from '../../ports/conversation-store.port';
import { CHAT_POLICY, type ChatPolicy } from '../chat-policy';
import { ChatAccount } from './chat-account';
import type { ChatEvent, CompletedTurn, GenerationParams, StreamingTurn } from './chat-turn';
import { ReplyGenerator, type ReplyRequest } from './reply-generator';
import { ServedModels } from './served-models';

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
 * becomes the visible thread, the old reply stays on its branch.
 */
@injectable()
export class RegenerateMessage {
  constructor(
    @inject(CONVERSATION_STORE) private readonly store: ConversationStore,
    @inject(ChatAccount) private readonly account: ChatAccount,
    @inject(ReplyGenerator) private readonly replies: ReplyGenerator,
    @inject(CHAT_POLICY) private readonly policy: ChatPolicy,
    @inject(ServedModels) private readonly models: ServedModels,
  ) {}

  async stream(user: UserContext, cmd: RegenerateCommand, signal: AbortSignal): Promise<StreamingTurn> {
    const req = await this.prepare(user, cmd);
    return { placement: req.placement, events: this.activatedOnceAnswered(req, this.replies.stream(req, signal)) };
  }

  async complete(user: UserContext, cmd: RegenerateCommand, signal: AbortSignal): Promise<CompletedTurn> {
    const req = await this.prepare(user, cmd);
    const turn = await this.replies.complete(req, signal);
    await this.activate(req);
    return turn;
  }

  /**
   * The new branch becomes the visible thread only once it holds a reply: a model that fails before
   * its first token (rate limit, timeout) must not hide the old reply behind an empty branch. It is
   * activated before the final event (the client then reloads the right thread), or, when the stream
   * was cut after some text, after the partial reply was saved, since the user saw it.
   */
  private async *activatedOnceAnswered(req: ReplyRequest, events: AsyncIterable<ChatEvent>): AsyncGenerator<ChatEvent> {
    let relayed = false;
    let activated = false;
    try {
      for await (const event of events) {
        if (event.type === 'done') {
          await this.activate(req);
          activated = true;
        } else relayed = true;
        yield event;
      }
    } finally {
      if (relayed && !activated) await this.activate(req).catch(() => undefined);
    }
  }

  private activate(req: ReplyRequest): Promise<void> {
    return this.store.activateBranch(req.user, req.placement.conversation_id, req.placement.branch_id);
  }

  private async prepare(user: UserContext, cmd: RegenerateCommand): Promise<ReplyRequest> {
    // Refusals before the fork is written: the balance and the model asked for.
    const { apiKey } = await this.account.authorize(user);
    if (cmd.model) await this.models.ensureAllowed(user, apiKey, cmd.model);
    if (cmd.conversation_id) {
      const message = await this.store.getMessage(user, cmd.message_id);
      if (message.conversation_id !== cmd.conversation_id) throw new AppError('NOT_FOUND', 'Message not found in this conversation');
    }
    const fork = await this.store.regenerateFork(user, cmd.message_id, cmd.branch_name ? { branch_name: cmd.branch_name } : {});
    const built = await this.store.buildContext(user, {
      conversation_id: fork.conversation_id,
      branch_id: fork.branch_id,
      max_messages: this.policy.maxContextMessages,
    });
    return {
      user,
      apiKey,
      context: built.messages,
      params: cmd.params,
      placement: {
        conversation_id: fork.conversation_id,
        branch_id: fork.branch_id,
        user_message_id: fork.parent_message_id,
        is_new_conversation: false,
        model: cmd.model ?? built.model ?? this.policy.defaultModel,
      },
    };
  }
}
