import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import { STREAM_SLOTS, type StreamSlots } from '../../ports/rate-limit-store.port';
import { CHAT_POLICY, type ChatPolicy } from './chat-policy';

/**
 * At most `maxStreamsPerUser` open streams per user, counted across replicas: a slot is taken
 * before anything of the turn is stored and held for the whole stream, so one user cannot open
 * streams without bound.
 */
@injectable()
export class StreamSlotPolicy {
  constructor(
    @inject(STREAM_SLOTS) private readonly slots: StreamSlots,
    @inject(CHAT_POLICY) private readonly policy: ChatPolicy,
  ) {}

  /** Runs `stream` holding one of the user's slots; RATE_LIMITED when all are taken. */
  async hold<T>(userId: string, stream: () => Promise<T>): Promise<T> {
    const max = this.policy.maxStreamsPerUser;
    const release = await this.slots.acquire(userId, max);
    if (!release) {
      throw new AppError('RATE_LIMITED', `At most ${max} streams may be open at once`, {
        retryAfterSeconds: 5,
        details: { reason: 'too_many_streams', max_streams: max },
      });
    }
    try {
      return await stream();
    } finally {
      await release();
    }
  }
}
