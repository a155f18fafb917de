import { inject, injectable } from 'tsyringe';
import type { TurnListener } from '../chat/chat-turn';
import { CachedReader } from '../cache/cached-reader';

/** The cache kind of per-user statistics and usage reports; per user, so its keys start with the user id. */
export const ACTIVITY_CACHE_KIND = 'conversation_activity';

/**
 * Statistics and usage reports through the shared cache-aside layer, for a short TTL: they scan
 * many rows, and dashboards ask for them often. Every write the gateway makes to a user's
 * conversations (batch updates, deletions, a finished chat) drops all of that user's entries.
 * `invalidateUser` is the one invalidation that reaches every replica's view of every key of a
 * user at once; it also drops the cached profile, which is cheap to read again.
 */
@injectable()
export class ConversationActivityCache {
  constructor(@inject(CachedReader) private readonly cache: CachedReader) {}

  get<T>(userId: string, key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.getOrLoad(ACTIVITY_CACHE_KIND, `${userId}:${key}`, load);
  }

  invalidate(userId: string): Promise<void> {
    return this.cache.invalidateUser(userId);
  }
}

/** A finished turn added messages (and tokens): the user's statistics and usage are stale. */
export class InvalidateActivityOnTurn implements TurnListener {
  constructor(private readonly cache: ConversationActivityCache) {}

  async onTurnFinished(userId: string): Promise<void> {
    await this.cache.invalidate(userId);
  }
}
