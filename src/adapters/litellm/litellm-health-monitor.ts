import { isAppError } from '../../domain/errors/app-error';
import type { Clock } from '../../ports/clock.port';
import type { DependencyProbe, ProbeResult } from '../../ports/dependency-probe.port';
import type { Logger } from '../../ports/logger.port';
import type { UpstreamClient } from '../http/upstream-client';

export interface LiteLlmHealthMonitorOptions {
  /** Period of the probe (LITELLM_HEALTH_INTERVAL_SECONDS). */
  intervalMs: number;
  /** Timeout of one probe. */
  timeoutMs: number;
  /** How many recent probes the availability covers. */
  windowSize?: number;
}

interface Sample {
  at: number;
  up: boolean;
  latencyMs: number;
  error?: string;
}

/**
 * Watches LiteLLM with its free liveness call, `GET /health/liveliness`, on a timer (never
 * `/health`, which calls every model for real). `/health` and readiness read the latest result
 * instead of probing on each request, and see the availability over the last `windowSize` probes.
 * A result older than two periods (the timer stalled, or the first probe is still to come) is not
 * trusted: `check()` then probes at once. The timer is unref'd and stopped on shutdown.
 */
export class LiteLlmHealthMonitor implements DependencyProbe {
  readonly name = 'litellm';
  readonly adapter = 'litellm';
  readonly required = true;
  private readonly samples: Sample[] = [];
  private readonly windowSize: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private inflight: Promise<Sample> | undefined;
  private statusSince: number | undefined;

  constructor(
    private readonly client: UpstreamClient,
    private readonly options: LiteLlmHealthMonitorOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.windowSize = options.windowSize ?? 20;
  }

  start(): void {
    if (this.timer) return;
    // Background work: a failure is logged, never left as an unhandled rejection (which ends the process).
    const tick = (): void => {
      this.probe().catch((err: unknown) => this.logger.error({ err }, 'LiteLLM liveness probe failed unexpectedly'));
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async check(): Promise<ProbeResult> {
    let last = this.samples.at(-1);
    if (!last || this.clock.nowMs() - last.at > 2 * this.options.intervalMs) last = await this.probe();
    return {
      status: last.up ? 'up' : 'down',
      latencyMs: last.latencyMs,
      ...(last.error ? { error: last.error } : {}),
      details: this.availability(),
    };
  }

  /** One probe; concurrent callers share it. */
  probe(): Promise<Sample> {
    this.inflight ??= this.probeOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  availability(): Record<string, unknown> {
    const up = this.samples.filter((s) => s.up).length;
    const n = this.samples.length;
    const last = this.samples.at(-1);
    return {
      window: n,
      up,
      availability: n === 0 ? null : Math.round((up / n) * 1000) / 1000,
      avg_latency_ms: n === 0 ? null : Math.round(this.samples.reduce((sum, s) => sum + s.latencyMs, 0) / n),
      last_checked_at: last ? new Date(last.at).toISOString() : null,
      status_since: this.statusSince === undefined ? null : new Date(this.statusSince).toISOString(),
    };
  }

  private async probeOnce(): Promise<Sample> {
    const started = this.clock.nowMs();
    let sample: Sample;
    try {
      // Not idempotent for the client: one probe is one sample, never retried behind our back.
      const res = await this.client.request({
        method: 'GET',
        url: '/health/liveliness',
        operation: 'health_liveliness',
        idempotent: false,
        timeout: this.options.timeoutMs,
        maxContentLength: 64 * 1024,
      });
      const latencyMs = this.clock.nowMs() - started;
      sample =
        res.status === 200 ? { at: started, up: true, latencyMs } : { at: started, up: false, latencyMs, error: `HTTP ${res.status}` };
    } catch (err) {
      const reason = isAppError(err) ? ((err.details?.reason as string | undefined) ?? err.code) : 'unreachable';
      sample = { at: started, up: false, latencyMs: this.clock.nowMs() - started, error: reason };
    }
    this.record(sample);
    return sample;
  }

  private record(sample: Sample): void {
    const previous = this.samples.at(-1);
    this.samples.push(sample);
    if (this.samples.length > this.windowSize) this.samples.shift();
    if (previous?.up === sample.up) return;
    this.statusSince = sample.at;
    // Transitions only: a probe every few seconds must not write a line each time.
    if (!sample.up) this.logger.warn({ upstream: 'litellm', error: sample.error }, 'LiteLLM liveness probe failing');
    else if (previous) this.logger.info({ upstream: 'litellm', latency_ms: sample.latencyMs }, 'LiteLLM liveness probe passing again');
  }
}

/**
 * The logger for the probe's own upstream client: its line per call goes to debug, so a probe every
 * few seconds does not flood the info log (transitions are logged by the monitor).
 */
export function probeCallLogger(logger: Logger): Logger {
  return {
    trace: (fields, msg) => logger.trace(fields, msg),
    debug: (fields, msg) => logger.debug(fields, msg),
    info: (fields, msg) => logger.debug(fields, msg),
    warn: (fields, msg) => logger.debug(fields, msg),
    error: (fields, msg) => logger.error(fields, msg),
    child: (fields) => probeCallLogger(logger.child(fields)),
  };
}
