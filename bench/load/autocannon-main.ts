import { serveRpc } from '../support/child-rpc';

// autocannon ships no types; this is the part of its API the bench uses.
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface CannonRun {
  url: string;
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
}

/** Helper process: autocannon on its own CPU, run on demand. */
serveRpc(
  {
    run: async (options: CannonRun) => {
      const r = await autocannon({
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        headers: options.headers ?? {},
      });
      return {
        rps: r.requests.average,
        total: r.requests.total,
        latencyP50Ms: r.latency.p50,
        latencyP99Ms: r.latency.p99,
        bytesPerSecond: r.throughput.average,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        durationSeconds: r.duration,
      };
    },
  },
  {},
);
