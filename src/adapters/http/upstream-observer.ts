import type { BreakerState } from './circuit-breaker';

export type CallOutcome = 'success' | 'client_error' | 'server_error' | 'timeout' | 'network_error' | 'circuit_open';

/** Hooks for metrics on upstream calls; the metrics adapter implements it, tests may spy on it. */
export interface UpstreamObserver {
  call(upstream: string, operation: string, outcome: CallOutcome, durationMs: number): void;
  retry(upstream: string, operation: string): void;
  breakerState(upstream: string, state: BreakerState): void;
}

export const NOOP_UPSTREAM_OBSERVER: UpstreamObserver = {
  call: () => undefined,
  retry: () => undefined,
  breakerState: () => undefined,
};
