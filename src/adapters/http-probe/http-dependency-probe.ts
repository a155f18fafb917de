import axios, { type AxiosInstance } from 'axios';
import type { Clock } from '../../ports/clock.port';
import type { DependencyProbe, ProbeResult } from '../../ports/dependency-probe.port';

export interface HttpProbeOptions {
  name: string;
  adapter: string;
  required: boolean;
  url: string;
  method?: 'GET' | 'HEAD' | 'OPTIONS';
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Which statuses mean "the service answered" (default: anything below 500). */
  isUp?: (status: number) => boolean;
}

/** Reachability of an HTTP upstream through one cheap, free request (never a model call). */
export class HttpDependencyProbe implements DependencyProbe {
  readonly name: string;
  readonly adapter: string;
  readonly required: boolean;
  private readonly http: AxiosInstance;

  constructor(
    private readonly options: HttpProbeOptions,
    private readonly clock: Clock,
    http?: AxiosInstance,
  ) {
    this.name = options.name;
    this.adapter = options.adapter;
    this.required = options.required;
    this.http = http ?? axios.create();
  }

  async check(): Promise<ProbeResult> {
    const started = this.clock.nowMs();
    const isUp = this.options.isUp ?? ((s: number) => s < 500);
    try {
      const res = await this.http.request({
        url: this.options.url,
        method: this.options.method ?? 'GET',
        headers: this.options.headers,
        timeout: this.options.timeoutMs,
        validateStatus: () => true,
        // A probe needs the status only; do not buffer a large body.
        maxContentLength: 64 * 1024,
      });
      const latencyMs = this.clock.nowMs() - started;
      return isUp(res.status) ? { status: 'up', latencyMs } : { status: 'down', latencyMs, error: `HTTP ${res.status}` };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { status: 'down', latencyMs: this.clock.nowMs() - started, error: e.code ?? 'unreachable' };
    }
  }
}
