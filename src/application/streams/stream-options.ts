import { token } from '../../ports/token';
/** What happens to a streamed turn when its client goes away. */
export type DisconnectPolicy = 'continue' | 'abort';

export interface StreamOptions {
  /** How often a producer refreshes its heartbeat (and checks for orphans). */
  heartbeatMs: number;
  /** A heartbeat older than this marks its producer dead: the turn may be claimed. */
  lapseMs: number;
  /** A turn nobody listened to for this long is stopped and saved as interrupted. */
  orphanMs: number;
  /** DISCONNECT_POLICY when set; otherwise each chat form has its own default. */
  disconnectPolicy: DisconnectPolicy | undefined;
}

export const STREAM_OPTIONS = token<StreamOptions>('StreamOptions');

/** Heartbeats a producer may miss before its turn is claimed. */
export const MISSED_BEATS = 3;
