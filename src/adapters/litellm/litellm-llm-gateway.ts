import type { Readable } from 'node:stream';
import { AppError, isAppError } from '../../domain/errors/app-error';
import type { Clock } from '../../ports/clock.port';
import { samplingParamsOf, type Completion, type CompletionRequest, type LlmGateway, type StreamEvent } from '../../ports/llm-gateway.port';
import type { Logger } from '../../ports/logger.port';
import { UpstreamClient } from '../http/upstream-client';
import type { UpstreamObserver } from '../http/upstream-observer';
import { CompletionLog } from './completion-log';
import { MAX_STREAM_EVENT_CHARS, parseNext, toCompletion } from './litellm-chunks';
import { parseCost, translateLiteLlmStatus } from './litellm-errors';
import { SseParser } from './sse-parser';
import { StreamBatcher } from './stream-batcher';
import { StreamWatch, type StreamDeadlines } from './stream-watch';

export { MAX_STREAM_EVENT_CHARS } from './litellm-chunks';

export interface LiteLlmGatewayOptions extends StreamDeadlines {
  baseUrl: string;
  /** Maximum open keep-alive sockets to the proxy (CONNECTION_POOL_SIZE). */
  poolSize: number;
  /** A non-streaming completion, connect to last byte. Default `totalTimeoutMs`: it is a whole answer too. */
  requestTimeoutMs?: number;
  failureThreshold?: number;
  openMs?: number;
  observer?: UpstreamObserver;
  /** Largest non-streamed answer read (UPSTREAM_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Longest single event of a stream; a longer one ends the turn with UPSTREAM_CONTRACT. Default 1 MiB. */
  maxEventChars?: number;
}

/** Error bodies are small; a proxy that sends megabytes with a 4xx gets cut off. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

function cancelled(): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', 'The request was cancelled', { details: { upstream: 'litellm', cancelled: true } });
}

/**
 * LlmGateway over the LiteLLM proxy (docs/upstreams/litellm.md). Every call uses the user's own virtual
 * key, never the master key, so LiteLLM tracks that user's spend and budget. Chat POSTs are not
 * retried (not idempotent: a retry could bill twice); the circuit breaker still applies.
 *
 * Streams are pulled: the next chunk is read from the socket only when the consumer asks for the
 * next event, so a slow client slows the upstream through TCP instead of filling memory.
 * The consumer's own abort ends a call with UPSTREAM_UNAVAILABLE `details.cancelled: true`.
 */
export class LiteLlmGateway implements LlmGateway {
  private readonly client: UpstreamClient;

  constructor(
    private readonly options: LiteLlmGatewayOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /**
     * The service's one LiteLLM client (shared with the model catalogue and key info: one pool, one
     * breaker, one `upstream="litellm"` series). Only a gateway built alone (tests) makes its own.
     */
    client?: UpstreamClient,
  ) {
    this.client =
      client ??
      new UpstreamClient(
        {
          name: 'litellm',
          baseURL: options.baseUrl,
          poolSize: options.poolSize,
          timeoutMs: options.requestTimeoutMs ?? options.totalTimeoutMs,
          retries: 0,
          failureThreshold: options.failureThreshold,
          openMs: options.openMs,
          observer: options.observer,
          maxResponseBytes: options.maxResponseBytes,
        },
        clock,
        logger,
      );
  }

  async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamEvent[], void, undefined> {
    const started = this.clock.nowMs();
    const log = new CompletionLog('chat_stream', request, started);
    const watch = new StreamWatch(signal, this.options);
    let responded = false;
    try {
      const headers = this.headers(request);
      const { response: res, permit } = await this.client.requestHeld<Readable>({
        operation: 'chat_stream',
        idempotent: false,
        method: 'POST',
        url: '/chat/completions',
        headers,
        data: this.body(request, true),
        responseType: 'stream',
        // Our own deadlines replace axios' timeout, which cannot tell headers from a slow model.
        timeout: 0,
        // A long answer is fine: the parser bounds each event instead of the whole body.
        maxContentLength: -1,
        signal: watch.controller.signal,
        requestId: request.requestId,
      });
      responded = true;
      const body = res.data;
      watch.attach(body, permit);
      log.status = res.status;
      if (res.status !== 200) {
        const text = await this.readErrorBody(body, watch);
        throw translateLiteLlmStatus(res.status, text, this.context(request, res.headers as Record<string, unknown>));
      }
      const cost = parseCost(res.headers['x-litellm-response-cost']);
      const parser = new SseParser({ maxEventChars: this.options.maxEventChars ?? MAX_STREAM_EVENT_CHARS });
      const batcher = new StreamBatcher(request.apiKey, cost, log, () => this.clock.nowMs() - started);
      const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      let done = false;
      for (;;) {
        watch.beforeRead();
        const next = await chunks.next();
        watch.afterRead();
        const sse = parseNext(parser, next);
        // After `[DONE]` the rest of the body is only drained (the connection goes back to the pool).
        if (!done) {
          const read = batcher.read(sse);
          if (read.events.length > 0) {
            watch.started();
            watch.throwIfStopped();
            yield read.events;
          }
          if (read.broken !== undefined) throw read.broken;
          if (read.done) {
            done = true;
            watch.done();
          }
        }
        if (next.done) break;
      }
      if (!done) {
        throw new AppError('UPSTREAM_ERROR', 'The model stream ended before it was complete', {
          details: { upstream: 'litellm', phase: 'stream', reason: 'ended_without_done' },
        });
      }
      log.outcome = 'completed';
    } catch (err) {
      if (watch.isDraining && !watch.expired && !watch.cancelled) {
        // Everything was received; only the end of the body did not come in time.
        log.outcome = 'completed';
        return;
      }
      const error = this.streamFailure(err, watch, responded);
      log.fail(error, watch.cancelled);
      throw error;
    } finally {
      // The consumer stopped before any verdict: nothing was learnt (a probe gives its slot back).
      watch.permit?.cancelled();
      watch.dispose();
      if (log.outcome === 'pending') log.outcome = 'consumer_stopped';
      log.write(this.logger, this.clock.nowMs());
    }
  }

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<Completion> {
    const started = this.clock.nowMs();
    const log = new CompletionLog('chat_complete', request, started);
    try {
      if (signal.aborted) throw cancelled();
      const res = await this.client.request<unknown>({
        operation: 'chat_complete',
        idempotent: false,
        method: 'POST',
        url: '/chat/completions',
        headers: this.headers(request),
        data: this.body(request, false),
        timeout: this.options.requestTimeoutMs ?? this.options.totalTimeoutMs,
        signal,
        requestId: request.requestId,
      });
      log.status = res.status;
      const headers = res.headers as Record<string, unknown>;
      if (res.status !== 200) throw translateLiteLlmStatus(res.status, res.data, this.context(request, headers));
      const completion = toCompletion(res.data, request, parseCost(headers['x-litellm-response-cost']));
      log.usage = completion.usage ?? undefined;
      log.costUsd = completion.cost_usd;
      log.finishReason = completion.finish_reason ?? undefined;
      log.completionChars = completion.content.length;
      log.outcome = 'completed';
      return completion;
    } catch (err) {
      const error = isAppError(err) ? err : new AppError('UPSTREAM_ERROR', 'The model call failed', { details: { upstream: 'litellm' } });
      log.fail(error, error.details?.cancelled === true);
      throw error;
    } finally {
      log.write(this.logger, this.clock.nowMs());
    }
  }

  private headers(request: CompletionRequest): Record<string, string> {
    // The user's own key or nothing: falling back to the master key would bill the platform.
    if (!request.apiKey) {
      throw new AppError('UPSTREAM_ERROR', 'This account has no model key yet', {
        details: { upstream: 'litellm', cause: 'llm_key_missing' },
      });
    }
    return { Authorization: `Bearer ${request.apiKey}`, 'Content-Type': 'application/json', Accept: 'text/event-stream, application/json' };
  }

  private body(request: CompletionRequest, stream: boolean): Record<string, unknown> {
    return {
      model: request.model,
      messages: request.messages,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      ...samplingParamsOf(request),
      ...(request.endUserId === undefined ? {} : { user: request.endUserId }),
    };
  }

  private context(request: CompletionRequest, headers: Record<string, unknown>) {
    return { model: request.model, apiKey: request.apiKey, nowMs: this.clock.nowMs(), headers };
  }

  private async readErrorBody(body: Readable, watch: StreamWatch): Promise<string> {
    const parts: Buffer[] = [];
    let size = 0;
    watch.beforeRead();
    for await (const part of body as AsyncIterable<Buffer>) {
      parts.push(part);
      size += part.length;
      if (size >= MAX_ERROR_BODY_BYTES) break;
    }
    watch.afterRead();
    return Buffer.concat(parts).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
  }

  /** Why a stream failed, as the port promises it: a deadline, the caller's abort, or the upstream. */
  private streamFailure(err: unknown, watch: StreamWatch, responded: boolean): AppError {
    // Before the headers the shared client has judged the call already (a deadline is a failure there).
    const permit = responded ? watch.permit : undefined;
    if (watch.expired) {
      permit?.failure();
      const what = { first_token: 'first token', idle: 'next chunk', total: 'end of the answer' }[watch.expired];
      return new AppError('UPSTREAM_TIMEOUT', `The model did not send the ${what} in time`, {
        details: { upstream: 'litellm', timeout: watch.expired },
      });
    }
    if (watch.cancelled) {
      permit?.cancelled();
      return cancelled();
    }
    if (isAppError(err)) {
      // An error object in the stream, a contract break: the proxy answered.
      permit?.answered();
      return err;
    }
    // The body failed after a 200: the connection dropped (reset, premature close).
    permit?.failure();
    const code = (err as { code?: unknown } | undefined)?.code;
    return new AppError('UPSTREAM_ERROR', 'The connection to the model dropped before the answer was complete', {
      details: { upstream: 'litellm', phase: 'stream', reason: typeof code === 'string' ? code : 'connection_lost' },
    });
  }
}
