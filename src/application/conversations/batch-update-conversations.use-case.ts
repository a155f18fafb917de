import { inject, injectable } from 'tsyringe';
import type { Conversation } from '../../domain/conversation/conversation';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { mapWithConcurrency } from '../shared/concurrency';
import { itemError, type ItemError } from '../shared/item-error';
import { ConversationActivityCache } from './conversation-activity-cache';
import { CONVERSATION_INDEX_POLICY, type ConversationIndexPolicy } from './conversation-index-policy';
import { uniqueIds } from './id-list';
import { UpdateConversation } from './update-conversation.use-case';

export interface BatchUpdateItem {
  id: string;
  title?: string;
  model?: string;
}

export interface BatchUpdateResult {
  id: string;
  ok: boolean;
  /** The conversation as it now is, when `ok`. */
  conversation?: Conversation;
  error?: ItemError;
}

export interface BatchUpdateOutcome {
  results: BatchUpdateResult[];
  succeeded: number;
  failed: number;
}

/**
 * Renames and/or changes the model of many conversations in one call, through the
 * ConversationStore (the Edge Function's PATCH), at most `batchConcurrency` upstream calls at a
 * time. Every item gets its own result, in request order: a failure (unknown id, another user's
 * conversation, an upstream error) is reported for that item and the others go on. The cached
 * statistics of the user are dropped when anything changed.
 */
@injectable()
export class BatchUpdateConversations {
  constructor(
    @inject(UpdateConversation) private readonly update: UpdateConversation,
    @inject(ConversationActivityCache) private readonly activity: ConversationActivityCache,
    @inject(CONVERSATION_INDEX_POLICY) private readonly policy: ConversationIndexPolicy,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(user: UserContext, items: readonly BatchUpdateItem[]): Promise<BatchUpdateOutcome> {
    const ids = uniqueIds(
      items.map((i) => i.id),
      (i) => `items.${i}.id`,
    );
    const empty = items.flatMap((item, i) =>
      item.title === undefined && item.model === undefined
        ? [{ path: `items.${i}`, message: 'must change title or model', location: 'body' as const }]
        : [],
    );
    if (empty.length > 0) throw new AppError('VALIDATION_ERROR', 'The request is invalid', { details: { fields: empty } });

    const results = await mapWithConcurrency(items, this.policy.batchConcurrency, async (item, i): Promise<BatchUpdateResult> => {
      const id = ids[i] as string;
      try {
        const conversation = await this.update.execute(user, id, {
          ...(item.title !== undefined ? { title: item.title } : {}),
          ...(item.model !== undefined ? { model: item.model } : {}),
        });
        return { id, ok: true, conversation };
      } catch (err) {
        return { id, ok: false, error: itemError(err, this.logger, { request_id: user.requestId, conversation_id: id }) };
      }
    });
    const succeeded = results.filter((r) => r.ok).length;
    if (succeeded > 0) await this.activity.invalidate(user.userId);
    return { results, succeeded, failed: results.length - succeeded };
  }
}
