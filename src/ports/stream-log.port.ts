import { token } from './token';
import type { TokenUsage } from '../domain/chat/chat';

/** How a streamed turn stands: `running` until one terminal event ends its log. */
export type TurnStatus = 'running' | 'completed' | 'stopped' | 'interrupted' | 'failed';

/** Why a turn was stopped before the model finished. */
export type StopReason = 'user' | 'orphaned' | 'shutdown' | 'disconnected';

/**
 * One event of a turn as the log keeps it: the model's text and how the turn ended, not the wire
 * format, so every listener (the original connection or a resume on another replica) formats the
 * same events the same way.
 */
export type TurnLogEvent =
  | { type: 'delta'; content: string }
  | { type: 'done'; assistant_message_id: string; finish_reason: string; usage: TokenUsage | null; cost_usd?: number }
  | { type: 'stopped'; reason: StopReason }
  | { type: 'error'; code: string; message: string };

/** An event with its place in the turn: `seq` counts from 1 and is the SSE `id:` of the event. */
export interface LoggedEvent {
  seq: number;
  event: TurnLogEvent;
}

/** Whether an event ends the turn's log (nothing follows it but `[DONE]`). */
export function isTerminal(event: TurnLogEvent): boolean {
  return event.type !== 'delta';
}

/** What is known about a turn from its start: who owns it, where it lives, how to format it. */
export interface TurnRecord {
  stream_id: string;
  user_id: string;
  conversation_id: string;
  branch_id: string;
  user_message_id: string;
  model: string;
  /** `chat.completion.chunk` id and `created` of the original stream: a resume repeats them. */
  completion_id: string;
  created: number;
  /** Epoch milliseconds. */
  started_at: number;
  status: TurnStatus;
  ended_at?: number;
}

/**
 * What a replica that claims a lapsed turn needs to save its partial reply on the owner's behalf
 * (the conversation store acts under the user's own token). Kept only while the turn runs.
 */
export interface TurnCredentials {
  token: string;
}

/**
 * The events of streamed turns, kept while each runs and for a retention period after it ends,
 * readable by any replica that shares the log. One producer appends to a turn; any number of
 * readers replay and follow it. A heartbeat proves the producer alive; a turn whose heartbeat
 * lapsed can be claimed exactly once by whoever notices.
 */
export interface StreamLog {
  /** Whether other replicas see this log (Redis) or only this process does. */
  readonly shared: boolean;
  /** Starts a turn's log (status `running`, heartbeat now) produced by `producer` (a unique id). */
  open(record: TurnRecord, credentials: TurnCredentials, producer: string, nowMs: number): Promise<void>;
  /** Appends events in order; `seq` continues the turn's numbering. */
  append(streamId: string, events: LoggedEvent[]): Promise<void>;
  /**
   * Ends the turn with its terminal event (retention starts). False when the turn is no longer
   * `producer`'s (claimed by another, or already ended): then nothing is written.
   */
  finish(streamId: string, producer: string, terminal: LoggedEvent, status: TurnStatus, nowMs: number): Promise<boolean>;
  get(streamId: string): Promise<TurnRecord | undefined>;
  /** The user's turns, running or ended within the retention period, newest first. */
  list(userId: string): Promise<TurnRecord[]>;
  /**
   * Every event after `afterSeq` (0: all), then the live ones as they are appended, ending after
   * the terminal event. Ends early (without error) when `signal` aborts; `onIdle` runs whenever no
   * event came for `idleMs` (the caller checks the producer's heartbeat there). Readers block on
   * the log: no polling loop per reader.
   */
  read(streamId: string, afterSeq: number, options: ReadOptions): AsyncIterable<LoggedEvent>;
  /**
   * Refreshes the producer's heartbeat: `lost` when the turn is no longer running as `producer`'s
   * (claimed), `stop` when a stop was requested (a second path besides the stop channel, which
   * delivers only to replicas subscribed at that moment).
   */
  heartbeat(streamId: string, producer: string, nowMs: number): Promise<HeartbeatAnswer>;
  /** A listener is following the turn (for the orphan rule). */
  markListened(streamId: string, nowMs: number): Promise<void>;
  /** When a listener last said it follows the turn, if ever. */
  lastListened(streamId: string): Promise<number | undefined>;
  /** Running turns whose heartbeat is older than `beforeMs`. */
  lapsed(beforeMs: number): Promise<string[]>;
  /**
   * Makes `producer` the producer of a running turn whose heartbeat is older than `beforeMs`:
   * succeeds for exactly one caller (atomic) and fences the old producer off (its appends, heartbeats
   * and `finish` fail from then on). The claimer gets every event logged, saves the partial reply
   * and `finish`es the turn.
   */
  claim(streamId: string, producer: string, beforeMs: number): Promise<ClaimedTurn | undefined>;
  /** Asks the turn's producer, wherever it runs, to stop (on the channel now, and at its next heartbeat). */
  requestStop(streamId: string): Promise<void>;
  /** Stop requests for any turn (the producer checks whether the turn is its own). */
  onStopRequest(handler: (streamId: string) => void): () => void;
  close(): Promise<void>;
}

export type HeartbeatAnswer = 'alive' | 'stop' | 'lost';

export interface ReadOptions {
  signal: AbortSignal;
  idleMs: number;
  /** Runs after every `idleMs` without an event; answering true ends the read (e.g. the turn vanished). */
  onIdle?: () => Promise<boolean>;
}

export interface ClaimedTurn {
  record: TurnRecord;
  credentials: TurnCredentials | undefined;
  /** Every event logged so far (the partial reply is the concatenated deltas). */
  events: LoggedEvent[];
}

export const STREAM_LOG = token<StreamLog>('StreamLog');
