import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONVERSATION_INDEX, type ConversationIndex } from '../../ports/conversation-index.port';
import { AUDIT_LOGGER, type Logger } from '../../ports/logger.port';
import { ConversationActivityCache } from './conversation-activity-cache';
import { DELETE_CONFIRMATION_OPTIONS, DeleteConfirmation, type DeleteConfirmationOptions } from './delete-confirmation';
import { uniqueIds } from './id-list';

export interface BatchDeleteInput {
  ids: string[];
  confirmation_token?: string;
}

export interface BatchDeleteResult {
  id: string;
  ok: boolean;
  error?: { code: 'NOT_FOUND'; message: string };
}

export interface BatchDeleteOutcome {
  results: BatchDeleteResult[];
  deleted: number;
  not_found: number;
}

/** What the caller's request carried besides the user, for the audit log. */
export interface RequestOrigin {
  ip?: string;
}

/**
 * Mass deletion in two steps. Without a valid confirmation token nothing is deleted: the answer
 * is CONFIRMATION_REQUIRED with what would be deleted (the caller's conversations among the ids,
 * with titles; every other id, unknown or another user's alike, is listed as not found) and a
 * short-lived token bound to the caller and this exact id set. With that token the conversations
 * are deleted and each id reports whether a row was really deleted. Both steps, and refused tokens,
 * go to the audit log (user, ip, request id, counts; never the token).
 */
@injectable()
export class BatchDeleteConversations {
  private readonly confirmation: DeleteConfirmation;

  constructor(
    @inject(CONVERSATION_INDEX) private readonly index: ConversationIndex,
    @inject(ConversationActivityCache) private readonly activity: ConversationActivityCache,
    @inject(DELETE_CONFIRMATION_OPTIONS) options: DeleteConfirmationOptions,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(AUDIT_LOGGER) private readonly audit: Logger,
  ) {
    this.confirmation = new DeleteConfirmation(options);
  }

  async execute(user: UserContext, input: BatchDeleteInput, origin: RequestOrigin = {}): Promise<BatchDeleteOutcome> {
    const ids = uniqueIds(input.ids, (i) => `ids.${i}`);
    const who = { user_id: user.userId, ip: origin.ip, request_id: user.requestId, ids_count: ids.length };
    let refused: string | undefined;
    if (input.confirmation_token !== undefined) {
      const check = this.confirmation.check(input.confirmation_token, user.userId, ids, this.clock.nowMs());
      if (check.ok) return this.delete(user, ids, who);
      refused = check.reason;
      this.audit.warn({ event: 'batch_delete_token_refused', reason: check.reason, ...who }, 'batch delete confirmation refused');
    }

    const owned = await this.index.conversationsByIds(user, ids, {});
    const ownedIds = new Set(owned.map((c) => c.id.toLowerCase()));
    const { token, expiresAt } = this.confirmation.issue(user.userId, ids, this.clock.nowMs());
    this.audit.info(
      { event: 'batch_delete_confirmation_issued', found: owned.length, ...who },
      'batch delete needs confirmation: nothing deleted',
    );
    throw new AppError(
      'CONFIRMATION_REQUIRED',
      refused === undefined
        ? 'Nothing was deleted: repeat the call with confirmation_token to delete the conversations listed'
        : `Nothing was deleted: the confirmation token was refused (${refused}); repeat the call with the new token`,
      {
        details: {
          ...(refused === undefined ? {} : { token_refused: refused }),
          conversations: owned.map((c) => ({ id: c.id, title: c.title, message_count: c.message_count, updated_at: c.updated_at })),
          not_found: ids.filter((id) => !ownedIds.has(id)),
          confirmation_token: token,
          expires_at: expiresAt,
        },
      },
    );
  }

  private async delete(user: UserContext, ids: string[], who: object): Promise<BatchDeleteOutcome> {
    const deleted = new Set((await this.index.deleteConversations(user, ids)).map((id) => id.toLowerCase()));
    if (deleted.size > 0) await this.activity.invalidate(user.userId);
    this.audit.info({ event: 'conversations_batch_deleted', deleted: deleted.size, ...who }, 'conversations deleted');
    const results = ids.map((id): BatchDeleteResult =>
      deleted.has(id) ? { id, ok: true } : { id, ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } },
    );
    return { results, deleted: deleted.size, not_found: ids.length - deleted.size };
  }
}
