import axios, { CanceledError, type AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import axiosRetry from 'axios-retry';
import http from 'node:http';
import https from 'node:https';
import { AppError } from '../../domain/errors/app-error';
import type { Clock } from '../../ports/clock.port';
import type { Logger } from '../../ports/logger.port';
import { CircuitBreaker, type BreakerPermit } from './circuit-breaker';
import { directRequest, isDirectConfig, type DirectAgents } from './direct-transport';
import { proxyConfigured } from '../../config/proxy-environment';
import { isRetryableStatus, retryDelayMs, shouldRetry } from './retry-policy';
import { CallJudge } from './call-judge';
import { NOOP_UPSTREAM_OBSERVER, type UpstreamObserver } from './upstream-observer';

export { UpstreamDeadline } from './call-judge';

/** Every keep-alive pool of every upstream client, so shutdown can close them all. */
const POOLS = new Set<http.Agent>();

/** Closes the sockets of every upstream pool (at shutdown, after the last request). */
export function closeUpstreamPools(): void {
  for (const agent of POOLS) agent.destroy();
  POOLS.clear();
}

export interface UpstreamClientOptions {
  /** `edge_function`, `litellm`, `supabase`: used in logs, metrics and error details. */
  name: string;
  baseURL: string;
  /** Maximum open sockets (CONNECTION_POOL_SIZE). */
  poolSize: number;
  /** Connect to last byte of a non-streaming call. */
  timeoutMs: number;
  /** Extra attempts of an idempotent call after a network error, 5xx or 429. */
  retries?: number;
  /** A `Retry-After` longer than this is not waited for: the call fails fast with it instead. */
  maxRetryDelayMs?: number;
  failureThreshold?: number;
  openMs?: number;
  observer?: UpstreamObserver;
  /** Largest answer read into memory (UPSTREAM_MAX_RESPONSE_BYTES); streamed bodies set their own bound. */
  maxResponseBytes?: number;
  /** `axios` sends every call through axios (tests of that path); by default the direct transport when it can. */
  transport?: 'auto' | 'axios';
}

export interface UpstreamRequest extends AxiosRequestConfig {
  /** Gateway operation name, for logs and metrics (never the raw path with ids). */
  operation: string;
  /** Safe to repeat: reads, and writes the upstream makes idempotent. Only these are retried. */
  idempotent: boolean;
  requestId?: string;
}

interface RetryState {
  operation: string;
  idempotent: boolean;
}

/** Bound of a buffered answer when the owner gives none: far above any legitimate answer, far below the heap. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/**
 * The HTTP client of one upstream: a keep-alive pool of `poolSize` sockets, explicit timeouts,
 * retries with exponential backoff, jitter and `Retry-After` for idempotent calls only, a circuit
 * breaker, and one debug log line per call (operation, status, duration, request id; never a header).
 *
 * Calls go out through the direct `node:http` transport (direct-transport.ts) when their config is
 * one it handles exactly as axios would and no proxy is configured in the environment; otherwise
 * through axios with axios-retry. Both follow retry-policy.ts.
 *
 * Any HTTP status comes back as a response for the adapter to translate (each upstream has its own
 * error shapes); network failures, timeouts and an open circuit become AppErrors here.
 */
export class UpstreamClient {
  readonly http: AxiosInstance;
  readonly breaker: CircuitBreaker;
  private readonly observer: UpstreamObserver;
  /** The pools the direct transport uses; undefined when a proxy is configured (axios then handles every call). */
  private readonly direct: DirectAgents | undefined;
  private readonly maxRetryDelayMs: number;
  private readonly judge: CallJudge;

  constructor(
    readonly options: UpstreamClientOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.observer = options.observer ?? NOOP_UPSTREAM_OBSERVER;
    this.judge = new CallJudge(options.name, clock, logger, this.observer);
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.poolSize,
      // Keep every socket the pool opened: dropping idle ones above a lower bound means reconnecting
      // them at the next burst (connect and close showed in the profile at 100 streams).
      maxFreeSockets: options.poolSize,
      scheduling: 'lifo' as const,
    };
    const httpAgent = new http.Agent(agentOptions);
    const httpsAgent = new https.Agent(agentOptions);
    POOLS.add(httpAgent);
    POOLS.add(httpsAgent);
    this.direct = options.transport === 'axios' || proxyConfigured(options.baseURL) ? undefined : { http: httpAgent, https: httpsAgent };
    this.http = axios.create({
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      httpAgent,
      httpsAgent,
      // 5xx and 429 are errors so axios-retry sees them; the final one is returned as a response.
      validateStatus: (status) => status < 500 && status !== 429,
      maxRedirects: 0,
      // An upstream that never stops sending must not fill the heap.
      maxContentLength: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      transitional: { clarifyTimeoutError: true },
    });
    this.breaker = new CircuitBreaker(
      {
        failureThreshold: options.failureThreshold ?? 5,
        openMs: options.openMs ?? 10_000,
        onStateChange: (state) => {
          this.observer.breakerState(options.name, state);
          this.logger.warn({ upstream: options.name, breaker: state }, 'circuit breaker state changed');
        },
      },
      clock,
    );
    const maxRetryDelayMs = options.maxRetryDelayMs ?? 2_000;
    this.maxRetryDelayMs = maxRetryDelayMs;
    axiosRetry(this.http, {
      retries: options.retries ?? 2,
      shouldResetTimeout: true,
      retryCondition: (err) => {
        const state = (err.config as { upstream?: RetryState } | undefined)?.upstream;
        return shouldRetry(err, state?.idempotent === true, maxRetryDelayMs);
      },
      retryDelay: (count, err) => retryDelayMs(count, err, maxRetryDelayMs),
      onRetry: (count, err, config) => {
        const state = (config as { upstream?: RetryState }).upstream;
        this.onRetry(state?.operation ?? 'unknown', count, err);
      },
    });
  }

  private onRetry(operation: string, count: number, err: AxiosError): void {
    this.observer.retry(this.name, operation);
    this.logger.info({ upstream: this.name, operation, attempt: count + 1, reason: err.response?.status ?? err.code }, 'upstream retry');
  }

  /** The direct transport with the same retries as axios-retry gives the axios path. */
  private async sendDirect<T>(
    agents: DirectAgents,
    config: AxiosRequestConfig,
    idempotent: boolean,
    operation: string,
  ): Promise<AxiosResponse<T>> {
    const retries = this.options.retries ?? 2;
    for (let count = 1; ; count += 1) {
      let failure: AxiosError;
      try {
        const res = await directRequest<T>(agents, this.options.baseURL, config);
        if (!isRetryableStatus(res.status)) return res;
        failure = { response: res, config, isAxiosError: true, message: `status ${res.status}` } as AxiosError;
        if (count > retries || !shouldRetry(failure, idempotent, this.maxRetryDelayMs)) return res;
      } catch (err) {
        failure = err as AxiosError;
        if (count > retries || !shouldRetry(failure, idempotent, this.maxRetryDelayMs)) throw err;
      }
      this.onRetry(operation, count, failure);
      await pause(retryDelayMs(count, failure, this.maxRetryDelayMs), config.signal as AbortSignal | undefined, config);
    }
  }

  get name(): string {
    return this.options.name;
  }

  /** One call, its outcome reported to the breaker as soon as the answer (or its absence) is known. */
  async request<T = unknown>(req: UpstreamRequest): Promise<AxiosResponse<T>> {
    return (await this.send<T>(req, false)).response;
  }

  /**
   * A call whose success is judged later by the caller (a stream: at its first token). A 2xx comes
   * back with its permit pending, and the caller must settle it; any other outcome is settled here
   * already (the caller may settle again: it is ignored).
   */
  requestHeld<T = unknown>(req: UpstreamRequest): Promise<{ response: AxiosResponse<T>; permit: BreakerPermit }> {
    return this.send<T>(req, true);
  }

  private async send<T>(req: UpstreamRequest, hold: boolean): Promise<{ response: AxiosResponse<T>; permit: BreakerPermit }> {
    const { operation, idempotent, requestId, ...config } = req;
    const permit = this.breaker.tryAcquire();
    if (!permit) {
      this.observer.call(this.name, operation, 'circuit_open', 0);
      throw new AppError('UPSTREAM_UNAVAILABLE', `${this.name} is unavailable (circuit open); try again shortly`, {
        retryAfterSeconds: this.breaker.retryAfterSeconds(),
        details: { upstream: this.name },
      });
    }
    const call = { operation, started: this.clock.monotonicMs(), requestId, permit };
    const headers = { ...(config.headers as Record<string, string> | undefined) };
    if (requestId) headers['X-Request-Id'] = requestId;
    try {
      let res: AxiosResponse<T>;
      if (this.direct && isDirectConfig(config)) {
        // `config` is this call's own copy (the rest of `req`): what the axios instance would add to
        // it (timeout, answer bound, headers) is set on it, not on another copy.
        config.headers = headers;
        config.timeout ??= this.options.timeoutMs;
        config.maxContentLength ??= this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
        res = await this.sendDirect<T>(this.direct, config, idempotent, operation);
      } else res = await this.http.request<T>({ ...config, headers, upstream: { operation, idempotent } } as AxiosRequestConfig);
      this.judge.answered(call, res.status, hold);
      return { response: res, permit };
    } catch (err) {
      const e = err as AxiosError<T>;
      if (e.response) {
        this.judge.answered(call, e.response.status, hold);
        return { response: e.response, permit };
      }
      throw this.judge.noAnswer(call, e, config.signal as AbortSignal | undefined);
    }
  }
}

/** Waits before a retry; a cancelled call stops waiting at once. */
function pause(ms: number, signal: AbortSignal | undefined, config: AxiosRequestConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CanceledError(undefined, config as never));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CanceledError(undefined, config as never));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
