import type { Redis } from 'ioredis';
import type { Logger } from '../../ports/logger.port';
import {
  isTerminal,
  type ClaimedTurn,
  type HeartbeatAnswer,
  type LoggedEvent,
  type ReadOptions,
  type StreamLog,
  type TurnCredentials,
  type TurnRecord,
  type TurnStatus,
} from '../../ports/stream-log.port';
import { decodeEntry, encodeEvent, entryFields } from './redis-turn-codec';
import { CLAIM_SCRIPT, FINISH_SCRIPT, HEARTBEAT_SCRIPT, REQUEST_STOP_SCRIPT } from './redis-turn-scripts';

export interface RedisStreamLogOptions {
  /** REDIS_KEY_PREFIX: deployments sharing a Redis keep their turns apart. */
  keyPrefix: string;
  /** How long a turn's log is kept after it ended. */
  retentionMs: number;
  /** Upper bound of a running turn's keys (they expire even if no replica ever ends the turn). */
  runningTtlMs: number;
  /** MAXLEN of a turn's stream: entries beyond it are trimmed, oldest first. */
  maxEntries: number;
}

/** Entries one blocking read takes at most. */
const READ_COUNT = 1000;
/** Turns one sweep looks at at most. */
const LAPSED_LIMIT = 100;

const noop = (): void => undefined;

/**
 * The stream log on Redis, shared by every replica. Per turn: a hash (record, status, producer,
 * the owner's token while running, last listener), a stream of events (`XADD ... MAXLEN ~`), both
 * expiring `retentionMs` after the end; a sorted set of running turns by heartbeat; a sorted set of
 * each user's turns. Followers block in `XREAD BLOCK` on a connection of their own (a blocking
 * command holds its connection), so no reader polls. Stop requests travel on a pub/sub channel
 * every replica subscribes to once.
 */
export class RedisStreamLog implements StreamLog {
  readonly shared = true;
  private readonly ns: string;
  private readonly runningKey: string;
  private readonly channel: string;
  private readonly started = new Set<string>();
  private readonly readers = new Set<Redis>();
  private readonly stopHandlers = new Set<(streamId: string) => void>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisStreamLogOptions,
    private readonly logger: Logger,
  ) {
    this.ns = `${options.keyPrefix}:v1:turn`;
    this.runningKey = `${options.keyPrefix}:v1:turns:running`;
    this.channel = `${options.keyPrefix}:v1:turns:stop`;
  }

  private hashKey(id: string): string {
    return `${this.ns}:${id}`;
  }

  private eventsKey(id: string): string {
    return `${this.ns}:${id}:events`;
  }

  private userKey(userId: string): string {
    return `${this.options.keyPrefix}:v1:turns:user:${userId}`;
  }

  async open(record: TurnRecord, credentials: TurnCredentials, producer: string, nowMs: number): Promise<void> {
    const ttl = this.options.runningTtlMs;
    const id = record.stream_id;
    const userKey = this.userKey(record.user_id);
    await this.redis
      .multi()
      .hset(this.hashKey(id), 'r', JSON.stringify(record), 's', 'running', 'o', producer, 't', credentials.token)
      .pexpire(this.hashKey(id), ttl)
      .zadd(this.runningKey, nowMs, id)
      .zadd(userKey, record.started_at, id)
      .zremrangebyscore(userKey, '-inf', nowMs - ttl)
      .pexpire(userKey, ttl)
      .exec();
  }

  async append(streamId: string, events: LoggedEvent[]): Promise<void> {
    const last = events[events.length - 1];
    if (!last) return;
    const key = this.eventsKey(streamId);
    const added = this.redis.xadd(key, 'MAXLEN', '~', this.options.maxEntries, `0-${last.seq}`, ...entryFields(events));
    if (!this.started.has(streamId)) {
      this.started.add(streamId);
      await Promise.all([added, this.redis.pexpire(key, this.options.runningTtlMs)]);
    } else await added;
  }

  async finish(streamId: string, producer: string, terminal: LoggedEvent, status: TurnStatus, nowMs: number): Promise<boolean> {
    this.started.delete(streamId);
    const done = await this.redis.eval(
      FINISH_SCRIPT,
      3,
      this.hashKey(streamId),
      this.runningKey,
      this.eventsKey(streamId),
      producer,
      status,
      nowMs,
      terminal.seq,
      encodeEvent(terminal.event),
      this.options.retentionMs,
      streamId,
    );
    return done === 1;
  }

  async get(streamId: string): Promise<TurnRecord | undefined> {
    const [record, status, endedAt] = await this.redis.hmget(this.hashKey(streamId), 'r', 's', 'e');
    return record ? this.toRecord(record, status ?? null, endedAt ?? null) : undefined;
  }

  async list(userId: string): Promise<TurnRecord[]> {
    const ids = await this.redis.zrevrange(this.userKey(userId), 0, 99);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.hashKey(id), 'r', 's', 'e');
    const rows = (await pipeline.exec()) ?? [];
    const records: TurnRecord[] = [];
    for (const [err, row] of rows) {
      const [record, status, endedAt] = (row ?? []) as (string | null)[];
      if (!err && record) records.push(this.toRecord(record, status ?? null, endedAt ?? null));
    }
    return records;
  }

  async *read(streamId: string, afterSeq: number, options: ReadOptions): AsyncIterable<LoggedEvent> {
    const { signal } = options;
    if (signal.aborted) return;
    // A blocking XREAD holds its connection: each follower gets one of its own, closed with it.
    const conn = this.redis.duplicate({
      lazyConnect: true,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      commandTimeout: options.idleMs + 5000,
    });
    conn.on('error', noop);
    this.readers.add(conn);
    const onAbort = (): void => conn.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });
    let after = afterSeq;
    try {
      await conn.connect();
      let cursor = `0-${afterSeq}`;
      for (;;) {
        if (signal.aborted) return;
        const answer = await conn.xread('COUNT', READ_COUNT, 'BLOCK', options.idleMs, 'STREAMS', this.eventsKey(streamId), cursor);
        if (!answer) {
          if (options.onIdle && (await options.onIdle())) return;
          continue;
        }
        for (const [, entries] of answer) {
          for (const [entryId, fields] of entries) {
            cursor = entryId;
            for (const entry of decodeEntry(fields)) {
              // The terminal event ends the read even when the reader had it already.
              if (entry.seq > after) {
                after = entry.seq;
                yield entry;
              }
              if (isTerminal(entry.event)) return;
            }
          }
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.readers.delete(conn);
      conn.disconnect();
    }
  }

  async heartbeat(streamId: string, producer: string, nowMs: number): Promise<HeartbeatAnswer> {
    const answer = await this.redis.eval(
      HEARTBEAT_SCRIPT,
      3,
      this.hashKey(streamId),
      this.runningKey,
      this.eventsKey(streamId),
      producer,
      nowMs,
      streamId,
    );
    return answer === 2 ? 'stop' : answer === 1 ? 'alive' : 'lost';
  }

  async markListened(streamId: string, nowMs: number): Promise<void> {
    await this.redis.hset(this.hashKey(streamId), 'l', nowMs);
  }

  async lastListened(streamId: string): Promise<number | undefined> {
    const value = await this.redis.hget(this.hashKey(streamId), 'l');
    return value === null ? undefined : Number(value);
  }

  async lapsed(beforeMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.runningKey, '-inf', `(${beforeMs}`, 'LIMIT', 0, LAPSED_LIMIT);
  }

  async claim(streamId: string, producer: string, beforeMs: number): Promise<ClaimedTurn | undefined> {
    const hash = this.hashKey(streamId);
    const events = this.eventsKey(streamId);
    const won = await this.redis.eval(CLAIM_SCRIPT, 3, hash, this.runningKey, events, producer, beforeMs, Date.now(), streamId);
    if (won !== 1) return undefined;
    const [[record, status, endedAt, token], entries] = await Promise.all([
      this.redis.hmget(hash, 'r', 's', 'e', 't'),
      this.redis.xrange(events, '-', '+'),
    ]);
    if (!record) return undefined;
    return {
      record: this.toRecord(record, status ?? null, endedAt ?? null),
      credentials: token ? { token } : undefined,
      events: entries.flatMap(([, fields]) => decodeEntry(fields)),
    };
  }

  async requestStop(streamId: string): Promise<void> {
    await Promise.all([this.redis.eval(REQUEST_STOP_SCRIPT, 1, this.hashKey(streamId)), this.redis.publish(this.channel, streamId)]);
  }

  onStopRequest(handler: (streamId: string) => void): () => void {
    this.stopHandlers.add(handler);
    this.subscribe();
    return () => this.stopHandlers.delete(handler);
  }

  async close(): Promise<void> {
    for (const conn of this.readers) conn.disconnect();
    this.readers.clear();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  /** One subscriber connection per process, (re)subscribed whenever it becomes ready. */
  private subscribe(): void {
    if (this.subscriber) return;
    const sub = this.redis.duplicate({ enableOfflineQueue: true, autoResubscribe: false, maxRetriesPerRequest: null });
    this.subscriber = sub;
    sub.on('error', noop);
    sub.on('ready', () => {
      sub
        .subscribe(this.channel)
        .catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'stop channel subscription failed'));
    });
    sub.on('message', (_channel: string, streamId: string) => {
      for (const handler of this.stopHandlers) {
        try {
          handler(streamId);
        } catch (err) {
          this.logger.warn({ err: { message: (err as Error).message } }, 'stop request handler failed');
        }
      }
    });
  }

  private toRecord(json: string, status: string | null, endedAt: string | null): TurnRecord {
    const record = JSON.parse(json) as TurnRecord;
    return {
      ...record,
      status: (status ?? record.status) as TurnStatus,
      ...(endedAt ? { ended_at: Number(endedAt) } : {}),
    };
  }
}
