import { token } from './token';
export type ProbeStatus = 'up' | 'down';

export interface ProbeResult {
  status: ProbeStatus;
  latencyMs: number;
  /** Short reason when down; never contains a secret. */
  error?: string;
  /** What a monitoring probe knows beyond this check (e.g. availability over its recent probes), shown in /health. */
  details?: Record<string, unknown>;
}

/**
 * A cheap liveness check of one upstream. Never a call that costs money or touches user data.
 * `required` dependencies decide readiness; optional ones only degrade the health status.
 */
export interface DependencyProbe {
  readonly name: string;
  readonly required: boolean;
  /** Which adapter serves this dependency (e.g. `memory`, `edge-function`), shown in /health. */
  readonly adapter: string;
  check(): Promise<ProbeResult>;
}

export const DEPENDENCY_PROBES = token<DependencyProbe>('DependencyProbes');
