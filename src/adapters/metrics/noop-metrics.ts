import type { Metrics } from '../../ports/metrics.port';

/** ENABLE_METRICS=false: nothing is collected and `/metrics` is not served. */
export class NoopMetrics implements Metrics {
  httpRequest(): void {}
  error(): void {}
  streamStarted(): void {}
  streamEnded(): void {}
  streamTurn(): void {}
  tokens(): void {}
  hit(): void {}
  load(): void {}
  coalesced(): void {}
  degraded(): void {}
  outage(): void {}
  rateLimited(): void {}
  rateLimiterFallback(): void {}
  call(): void {}
  retry(): void {}
  breakerState(): void {}
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: 'text/plain; version=0.0.4', body: '' };
  }
}
