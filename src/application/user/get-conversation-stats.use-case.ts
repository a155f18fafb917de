import { inject, injectable } from 'tsyringe';
import { addDays, startOfUtcDay } from '../../domain/time/date-range';
import { conversationStats, type ConversationStats } from '../../domain/usage/conversation-stats';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { CONVERSATION_INDEX, type ConversationIndex, type IndexedConversation } from '../../ports/conversation-index.port';
import { ConversationActivityCache } from '../conversations/conversation-activity-cache';
import { CONVERSATION_INDEX_POLICY, type ConversationIndexPolicy } from '../conversations/conversation-index-policy';

export interface ConversationStatsResult extends ConversationStats {
  /** The user has more conversations or recent messages than the statistics read: figures are partial. */
  truncated: boolean;
}

/** Days of "recent activity": the last 30 UTC days, today included. */
export const ACTIVITY_WINDOW_DAYS = 30;
const PAGE = 1000;

/**
 * Statistics of the caller's conversations from the conversation index: how many conversations,
 * messages and branches (all branches), per model (the conversation's model), and the activity of
 * the last 30 days (conversations created and messages written per day). Cached briefly; writes
 * through the gateway drop the cached copy.
 */
@injectable()
export class GetConversationStats {
  constructor(
    @inject(CONVERSATION_INDEX) private readonly index: ConversationIndex,
    @inject(ConversationActivityCache) private readonly cache: ConversationActivityCache,
    @inject(CONVERSATION_INDEX_POLICY) private readonly policy: ConversationIndexPolicy,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(user: UserContext): Promise<ConversationStatsResult> {
    return this.cache.get(user.userId, 'stats', () => this.compute(user));
  }

  private async compute(user: UserContext): Promise<ConversationStatsResult> {
    const nowMs = this.clock.nowMs();
    const max = this.policy.activityMaxRows;
    const conversations: IndexedConversation[] = [];
    let total: number;
    for (;;) {
      const page = await this.index.listConversations(user, {}, 'created_at.asc', { offset: conversations.length, limit: PAGE });
      total = page.total;
      conversations.push(...page.items);
      if (page.items.length === 0 || conversations.length >= total || conversations.length >= max) break;
    }
    const windowStart = new Date(addDays(startOfUtcDay(nowMs), -(ACTIVITY_WINDOW_DAYS - 1))).toISOString();
    const recent = await this.index.messageActivity(user, { created: { from: windowStart } }, max);
    return {
      ...conversationStats(conversations.slice(0, max), recent.items, { nowMs, windowDays: ACTIVITY_WINDOW_DAYS }),
      truncated: recent.truncated || total > max,
    };
  }
}
