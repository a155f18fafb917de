import { MemoryStreamLog } from '../adapters/memory/memory-stream-log';
import { RedisStreamLog } from '../adapters/redis/redis-stream-log';
import { LiveTurns } from '../application/streams/live-turns';
import { StreamAccess } from '../application/streams/stream-access';
import { MISSED_BEATS, STREAM_OPTIONS, type StreamOptions } from '../application/streams/stream-options';
import { TurnClaimer } from '../application/streams/turn-claimer';
import { TurnRecorder } from '../application/streams/turn-recorder';
import { STREAM_LOG, type StreamLog } from '../ports/stream-log.port';
import type { FeatureModule } from './shared';

/**
 * Resumable streams: the stream log (Redis Streams when REDIS_URL is set, so any replica can
 * resume, stop or claim a turn; in-process otherwise), the registry of turns produced here, and the
 * sweep that claims turns whose producer died.
 */
export const streams: FeatureModule = {
  name: 'streams',
  register(c, config, shared) {
    const retentionMs = config.streamRetentionSeconds * 1000;
    const log: StreamLog = shared.redis
      ? new RedisStreamLog(
          shared.redis,
          {
            keyPrefix: config.redisKeyPrefix,
            retentionMs,
            // A running turn's keys outlive its longest possible run, then its retention.
            runningTtlMs: (config.streamTimeoutSeconds + 60) * 1000 + retentionMs,
            maxEntries: config.streamLogMaxEntries,
          },
          shared.logger.child({ component: 'stream-log' }),
        )
      : new MemoryStreamLog({ retentionMs, maxEvents: config.streamLogMaxEntries, maxEndedTurns: config.streamMemoryMaxTurns });
    shared.bind(
      'StreamLog',
      shared.redis ? 'redis-streams' : 'in-process',
      shared.redis ? 'resume and stop on any replica' : 'this process only',
    );
    c.registerInstance(STREAM_LOG, log);
    const options: StreamOptions = {
      heartbeatMs: config.streamHeartbeatMs,
      lapseMs: config.streamHeartbeatMs * MISSED_BEATS,
      orphanMs: config.streamOrphanSeconds * 1000,
      disconnectPolicy: config.disconnectPolicy,
    };
    c.registerInstance(STREAM_OPTIONS, options);
    // Built now, not on first use: it subscribes to stop requests before any turn starts here.
    c.registerInstance(LiveTurns, new LiveTurns(log));
    for (const useCase of [TurnRecorder, TurnClaimer, StreamAccess] as const) c.registerSingleton(useCase as never);
    shared.resources.add('stream-log', () => log.close());
    if (log.shared) {
      // Turns whose producer died are claimed even when nobody resumes them.
      let sweeping = false;
      const timer = setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        void c
          .resolve(TurnClaimer)
          .sweep()
          .finally(() => {
            sweeping = false;
          });
      }, options.lapseMs);
      timer.unref();
      shared.resources.add('stream-sweeper', async () => clearInterval(timer));
    }
  },
};
