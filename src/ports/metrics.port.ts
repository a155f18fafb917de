import type { TokenUsage } from '../domain/chat/chat';
import type { CacheObserver } from './cache-observer.port';
import { token } from './token';

export type BreakerStateName = 'closed' | 'open' | 'half_open';
export type CallOutcome = 'success' | 'client_error' | 'server_error' | 'timeout' | 'network_error' | 'circuit_open';
export type StreamEnd = 'completed' | 'failed' | 'aborted';
/** What happened to a streamed turn beyond its own connection (resumable streams). */
export type StreamTurnEvent = 'resumed' | 'stopped' | 'orphaned' | 'claimed';

/** Upstream calls, as the shared HTTP client reports them. */
export interface UpstreamObserver {
  call(upstream: string, operation: string, outcome: CallOutcome, durationMs: number): void;
  retry(upstream: string, operation: string): void;
  breakerState(upstream: string, state: BreakerStateName): void;
}

/**
 * Everything the service measures. No label ever carries a user id or a raw path: per-user
 * figures belong to the usage API and the logs; routes are templates.
 */
export interface Metrics extends UpstreamObserver, CacheObserver {
  httpRequest(method: string, route: string, status: number, durationMs: number): void;
  error(code: string): void;
  streamStarted(): void;
  streamEnded(end: StreamEnd, durationMs: number, timeToFirstTokenMs: number | null, deltas: number): void;
  /** A resume, a stop request, an orphaned turn stopped, a lapsed turn claimed. */
  streamTurn(event: StreamTurnEvent): void;
  tokens(model: string, usage: TokenUsage, costUsd: number | undefined): void;
  rateLimited(endpointClass: string): void;
  rateLimiterFallback(active: boolean): void;
  /** Prometheus text exposition. */
  render(): Promise<{ contentType: string; body: string }>;
}

export const METRICS = token<Metrics>('Metrics');
