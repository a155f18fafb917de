import type { UpstreamObserver } from '../../ports/metrics.port';

export type { CallOutcome, UpstreamObserver } from '../../ports/metrics.port';

export const NOOP_UPSTREAM_OBSERVER: UpstreamObserver = {
  call: () => undefined,
  retry: () => undefined,
  breakerState: () => undefined,
};
