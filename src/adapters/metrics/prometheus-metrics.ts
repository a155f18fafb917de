import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TokenUsage } from '../../domain/chat/chat';
import type { CacheLayer, CacheOperation } from '../../ports/cache-observer.port';
import type { BreakerStateName, CallOutcome, Metrics, StreamEnd, StreamTurnEvent } from '../../ports/metrics.port';

const BREAKER_VALUE: Record<BreakerStateName, number> = { closed: 0, half_open: 1, open: 2 };

/** prom-client metrics on a registry of their own (so tests and several apps never collide). */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template (whole stream for SSE).',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'app_errors_total',
    help: 'Errors answered, by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly activeStreams = new Gauge({ name: 'chat_streams_active', help: 'Chat streams open now.', registers: [this.registry] });
  private readonly streamsStarted = new Counter({
    name: 'chat_streams_started_total',
    help: 'Chat streams started.',
    registers: [this.registry],
  });
  private readonly streamsEnded = new Counter({
    name: 'chat_streams_ended_total',
    help: 'Chat streams ended, by outcome (completed, failed, aborted).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly streamTurns = new Counter({
    name: 'chat_stream_turn_events_total',
    help: 'Resumable streams: resumes, stop requests, orphaned turns stopped, lapsed turns claimed (by event).',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  private readonly ttft = new Histogram({
    name: 'chat_time_to_first_token_seconds',
    help: 'From the model call to its first delta.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
    registers: [this.registry],
  });
  private readonly streamDuration = new Histogram({
    name: 'chat_stream_duration_seconds',
    help: 'Duration of a streamed reply.',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 40, 80, 160],
    registers: [this.registry],
  });
  private readonly deltas = new Counter({
    name: 'chat_deltas_relayed_total',
    help: 'Text deltas relayed to clients.',
    registers: [this.registry],
  });
  private readonly tokenCounter = new Counter({
    name: 'llm_tokens_total',
    help: 'Tokens by model and kind (prompt, completion).',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: 'llm_cost_usd_total',
    help: 'Cost reported by LiteLLM, by model.',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  private readonly upstreamCalls = new Counter({
    name: 'upstream_calls_total',
    help: 'Upstream calls by upstream, operation and outcome.',
    labelNames: ['upstream', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly upstreamDuration = new Histogram({
    name: 'upstream_call_duration_seconds',
    help: 'Upstream call duration by upstream and operation.',
    labelNames: ['upstream', 'operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly upstreamRetries = new Counter({
    name: 'upstream_retries_total',
    help: 'Retries of idempotent upstream calls.',
    labelNames: ['upstream', 'operation'] as const,
    registers: [this.registry],
  });
  private readonly breaker = new Gauge({
    name: 'upstream_circuit_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.',
    labelNames: ['upstream'] as const,
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: 'cache_lookups_total',
    help: 'Cache-aside lookups by kind and result (hit, hit_local, miss, coalesced).',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  private readonly cacheErrors = new Counter({
    name: 'cache_errors_total',
    help: 'Operations answered without the shared cache (Redis down or slow), by kind and operation.',
    labelNames: ['kind', 'operation'] as const,
    registers: [this.registry],
  });
  private readonly cacheDown = new Gauge({
    name: 'cache_shared_down',
    help: '1 while the shared cache (Redis) is unavailable and the in-process fallback serves.',
    registers: [this.registry],
  });
  private readonly rateLimitRejections = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused by the rate limiter, by endpoint class.',
    labelNames: ['class'] as const,
    registers: [this.registry],
  });
  private readonly rateLimitFallback = new Gauge({
    name: 'rate_limit_fallback_active',
    help: '1 while Redis is unavailable and the per-process limiter is in use.',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  httpRequest(method: string, route: string, status: number, durationMs: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, durationMs / 1000);
  }

  error(code: string): void {
    this.errors.inc({ code });
  }

  streamStarted(): void {
    this.activeStreams.inc();
    this.streamsStarted.inc();
  }

  streamEnded(end: StreamEnd, durationMs: number, timeToFirstTokenMs: number | null, deltas: number): void {
    this.activeStreams.dec();
    this.streamsEnded.inc({ outcome: end });
    this.streamDuration.observe(durationMs / 1000);
    if (timeToFirstTokenMs !== null) this.ttft.observe(timeToFirstTokenMs / 1000);
    this.deltas.inc(deltas);
  }

  tokens(model: string, usage: TokenUsage, costUsd: number | undefined): void {
    this.tokenCounter.inc({ model, kind: 'prompt' }, usage.prompt_tokens);
    this.tokenCounter.inc({ model, kind: 'completion' }, usage.completion_tokens);
    if (costUsd !== undefined && Number.isFinite(costUsd) && costUsd > 0) this.cost.inc({ model }, costUsd);
  }

  hit(kind: string, layer: CacheLayer): void {
    this.cacheLookups.inc({ kind, result: layer === 'shared' ? 'hit' : 'hit_local' });
  }

  load(kind: string): void {
    this.cacheLookups.inc({ kind, result: 'miss' });
  }

  coalesced(kind: string): void {
    this.cacheLookups.inc({ kind, result: 'coalesced' });
  }

  degraded(kind: string, operation: CacheOperation): void {
    this.cacheErrors.inc({ kind, operation });
  }

  outage(state: 'down' | 'up'): void {
    this.cacheDown.set(state === 'down' ? 1 : 0);
  }

  streamTurn(event: StreamTurnEvent): void {
    this.streamTurns.inc({ event });
  }

  rateLimited(endpointClass: string): void {
    this.rateLimitRejections.inc({ class: endpointClass });
  }

  rateLimiterFallback(active: boolean): void {
    this.rateLimitFallback.set(active ? 1 : 0);
  }

  call(upstream: string, operation: string, outcome: CallOutcome, durationMs: number): void {
    this.upstreamCalls.inc({ upstream, operation, outcome });
    if (outcome !== 'circuit_open') this.upstreamDuration.observe({ upstream, operation }, durationMs / 1000);
  }

  retry(upstream: string, operation: string): void {
    this.upstreamRetries.inc({ upstream, operation });
  }

  breakerState(upstream: string, state: BreakerStateName): void {
    this.breaker.set({ upstream }, BREAKER_VALUE[state]);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
