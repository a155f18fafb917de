import type { TurnListener } from '../chat/chat-turn';
import type { InvalidateUserCache } from './invalidate-user-cache.use-case';

/** A finished turn changed the user's spend upstream: the cached balance is stale. */
export class InvalidateUserCacheOnTurn implements TurnListener {
  constructor(private readonly invalidate: InvalidateUserCache) {}

  async onTurnFinished(userId: string): Promise<void> {
    await this.invalidate.execute(userId);
  }
}
