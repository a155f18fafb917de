import { Type } from 'typebox';
import type { SettingDefinition } from '../setting-definition';

/** Resumable streams: the stream log, its retention, disconnects, orphans, the producer's heartbeat. */
export const STREAM_SETTINGS = {
  streamRetentionSeconds: {
    env: 'STREAM_RETENTION_SECONDS',
    schema: Type.Integer({ minimum: 1, maximum: 86400 }),
    default: '600',
    description:
      "How long a streamed turn's events stay in the stream log after it ended, so a reloaded page can still replay it, in seconds. Redis when `REDIS_URL` is set (any replica can resume), else in-process.",
  },
  streamLogMaxEntries: {
    env: 'STREAM_LOG_MAX_ENTRIES',
    schema: Type.Integer({ minimum: 100, maximum: 1_000_000 }),
    default: '10000',
    description:
      "Upper bound (Redis `MAXLEN ~`) of one turn's stream-log entries; each entry holds the events written together. The oldest are trimmed beyond it.",
  },
  streamMemoryMaxTurns: {
    env: 'STREAM_MEMORY_MAX_TURNS',
    schema: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    default: '1000',
    description:
      'Without Redis: the most ended turns the in-process stream log keeps for replay (the earliest ended is dropped first), so its memory stays bounded under load.',
  },
  disconnectPolicy: {
    env: 'DISCONNECT_POLICY',
    schema: Type.Enum(['continue', 'abort']),
    description:
      'What a client disconnect does to a streamed turn: `continue` (the turn runs to its end and is saved; resume it with `GET /v1/chat/streams/{stream_id}`) or `abort` (the model call stops, the partial reply is saved). Unset: `continue` for the `message` form, `abort` for the OpenAI `messages` form.',
  },
  streamOrphanSeconds: {
    env: 'STREAM_ORPHAN_SECONDS',
    schema: Type.Integer({ minimum: 1, maximum: 86400 }),
    default: '120',
    description:
      'A running turn nobody has listened to for this long (its client left and no one resumed it) is stopped and its reply saved as interrupted, in seconds.',
  },
  streamHeartbeatMs: {
    env: 'STREAM_HEARTBEAT_MS',
    schema: Type.Integer({ minimum: 50, maximum: 60000 }),
    default: '2000',
    description:
      'How often the replica producing a turn proves it alive in the stream log, in milliseconds. After three missed beats any replica claims the turn, saves its text as an interrupted reply and ends its stream with `STREAM_INTERRUPTED`.',
  },
} as const satisfies Record<string, SettingDefinition>;
