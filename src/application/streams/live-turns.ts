import { inject, injectable } from 'tsyringe';
import type { StopReason } from '../../ports/stream-log.port';
import { STREAM_LOG, type StreamLog } from '../../ports/stream-log.port';

/**
 * The turns this process is producing, by stream id, so a stop request — from a route here or, via
 * the stream log, from any replica — reaches the turn's abort controller.
 */
@injectable()
export class LiveTurns {
  private readonly turns = new Map<string, (reason: StopReason) => void>();

  constructor(@inject(STREAM_LOG) log: StreamLog) {
    log.onStopRequest((streamId) => this.stop(streamId, 'user'));
  }

  add(streamId: string, stop: (reason: StopReason) => void): () => void {
    this.turns.set(streamId, stop);
    return () => this.turns.delete(streamId);
  }

  /** True when the turn runs here (and was told to stop). */
  stop(streamId: string, reason: StopReason): boolean {
    const stop = this.turns.get(streamId);
    stop?.(reason);
    return stop !== undefined;
  }

  has(streamId: string): boolean {
    return this.turns.has(streamId);
  }

  get size(): number {
    return this.turns.size;
  }
}
