import type { Readable } from 'node:stream';
import type { TokenUsage } from '../../domain/chat/chat';
import { AppError, isAppError } from '../../domain/errors/app-error';
import type { Clock } from '../../ports/clock.port';
import type { Completion, CompletionRequest, LlmGateway, StreamEvent } from '../../ports/llm-gateway.port';
import type { Logger } from '../../ports/logger.port';
import { UpstreamClient } from '../http/upstream-client';
import type { UpstreamObserver } from '../http/upstream-observer';
import { parseCost, streamErrorObject, translateLiteLlmStatus } from './litellm-errors';
import { SseEventTooLargeError, SseParser, type SseEvent } from './sse-parser';

export interface LiteLlmGatewayOptions {
  baseUrl: string;
  /** Maximum open keep-alive sockets to the proxy (CONNECTION_POOL_SIZE). */
  poolSize: number;
  /** Headers plus the first content delta of a stream. */
  firstTokenTimeoutMs: number;
  /** Silence between two chunks of a stream, once the first token arrived. */
  idleTimeoutMs: number;
  /** A whole stream (STREAM_TIMEOUT). */
  totalTimeoutMs: number;
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

type Deadline = 'first_token' | 'idle' | 'total';

/** Error bodies are small; a proxy that sends megabytes with a 4xx gets cut off. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** After `[DONE]` only the end of the body is awaited, so the socket goes back to the pool; not for long. */
const DRAIN_AFTER_DONE_MS = 1_000;
/** A chat chunk is a few hundred bytes; an event this long is an upstream that never ends one. */
export const MAX_STREAM_EVENT_CHARS = 1024 * 1024;

interface ChunkChoice {
  delta?: { content?: unknown } | null;
  message?: { content?: unknown } | null;
  finish_reason?: unknown;
}

interface ChunkJson {
  id?: unknown;
  model?: unknown;
  choices?: ChunkChoice[] | null;
  usage?: unknown;
  error?: unknown;
}

function toUsage(value: unknown): TokenUsage | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const u = value as Record<string, unknown>;
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  const total = typeof u.total_tokens === 'number' && Number.isFinite(u.total_tokens) ? u.total_tokens : prompt + completion;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total };
}

function cancelled(): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', 'The request was cancelled', { details: { upstream: 'litellm', cancelled: true } });
}

function contractError(message: string): AppError {
  return new AppError('UPSTREAM_CONTRACT', message, { details: { upstream: 'litellm' } });
}

/** The events completed by the next read of the body; an oversized event is the upstream breaking the contract. */
function parseNext(parser: SseParser, next: IteratorResult<Buffer>): SseEvent[] {
  try {
    return next.done ? parser.end() : parser.push(next.value);
  } catch (err) {
    if (err instanceof SseEventTooLargeError) {
      throw contractError(`The model stream sent an event longer than ${err.limitChars} characters`);
    }
    throw err;
  }
}

/**
 * The deadlines of one streamed call and the one AbortController that ends it. Whatever ends it
 * (the caller's signal, a deadline) aborts the axios request and destroys the response body, so the
 * upstream socket is closed at once — also while the generator is suspended at a `yield`.
 */
class StreamWatch {
  readonly controller = new AbortController();
  expired: Deadline | undefined;
  cancelled = false;
  gotFirstToken = false;
  private body: Readable | undefined;
  /** True while waiting on the upstream; idle time spent in the consumer's hands does not count. */
  private reading = false;
  private draining = false;
  private readonly total: NodeJS.Timeout;
  private firstToken: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private drain: NodeJS.Timeout | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly options: LiteLlmGatewayOptions,
  ) {
    this.total = setTimeout(() => this.expire('total'), options.totalTimeoutMs);
    this.firstToken = setTimeout(() => this.expire('first_token'), options.firstTokenTimeoutMs);
    if (signal.aborted) this.onAbort();
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  attach(body: Readable): void {
    this.body = body;
    if (this.controller.signal.aborted) body.destroy();
  }

  /** The first event goes to the consumer: from now on silence is measured between chunks. */
  started(): void {
    if (this.gotFirstToken) return;
    this.gotFirstToken = true;
    clearTimeout(this.firstToken);
    this.firstToken = undefined;
    this.idle = setTimeout(() => {
      if (this.reading) this.expire('idle');
    }, this.options.idleTimeoutMs);
  }

  beforeRead(): void {
    this.reading = true;
    // A fired timer is re-armed by refresh(): the idle window starts when we start waiting.
    this.idle?.refresh();
  }

  afterRead(): void {
    this.reading = false;
  }

  /** `[DONE]` arrived: only the end of the body is awaited, and briefly. */
  done(): void {
    this.draining = true;
    this.clearDeadlines();
    this.drain = setTimeout(() => this.body?.destroy(), DRAIN_AFTER_DONE_MS);
  }

  /** Events of a chunk already read must not outlive an abort or a deadline (streamFailure says which). */
  throwIfStopped(): void {
    if (this.controller.signal.aborted) throw new Error('stream stopped');
  }

  get isDraining(): boolean {
    return this.draining;
  }

  dispose(): void {
    this.clearDeadlines();
    clearTimeout(this.drain);
    this.signal.removeEventListener('abort', this.onAbort);
    if (this.body && !this.body.readableEnded) this.body.destroy();
  }

  private clearDeadlines(): void {
    clearTimeout(this.total);
    clearTimeout(this.firstToken);
    clearTimeout(this.idle);
  }

  private readonly onAbort = (): void => {
    if (this.controller.signal.aborted) return;
    if (this.draining) {
      this.body?.destroy();
      return;
    }
    this.cancelled = true;
    this.stop();
  };

  private expire(deadline: Deadline): void {
    if (this.controller.signal.aborted || this.draining) return;
    this.expired = deadline;
    this.stop();
  }

  private stop(): void {
    this.controller.abort();
    this.body?.destroy();
  }
}

/**
 * LlmGateway over the LiteLLM proxy (`contracts/litellm.md`). Every call uses the user's own virtual
 * key, never the master key, so LiteLLM tracks that user's spend and budget. Chat POSTs are not
 * retried (not idempotent: a retry could bill twice); the circuit breaker still applies.
 *
 * Streams are pulled: the next chunk is read from the socket only when the consumer asks for the
 * next event, so a slow client slows the upstream through TCP instead of filling memory.
 * The consumer's own abort ends a call with UPSTREAM_UNAVAILABLE `details.cancelled: true`.
 */
export class LiteLlmGateway implements LlmGateway {
  private readonly client: UpstreamClient;
  private readonly observer: UpstreamObserver | undefined;

  constructor(
    private readonly options: LiteLlmGatewayOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** The proxy's shared client, when the composition root has one already (the model catalogue's). */
    client?: UpstreamClient,
  ) {
    this.observer = options.observer;
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

  async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamEvent, void, undefined> {
    const started = this.clock.nowMs();
    const log = new CompletionLog('chat_stream', request, started);
    const watch = new StreamWatch(signal, this.options);
    let responded = false;
    let finished = false;
    let usageSent = false;
    try {
      const headers = this.headers(request);
      const res = await this.client.request<Readable>({
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
      watch.attach(body);
      log.status = res.status;
      if (res.status !== 200) {
        const text = await this.readErrorBody(body, watch);
        throw translateLiteLlmStatus(res.status, text, this.context(request, res.headers as Record<string, unknown>));
      }
      const cost = parseCost(res.headers['x-litellm-response-cost']);
      const parser = new SseParser({ maxEventChars: this.options.maxEventChars ?? MAX_STREAM_EVENT_CHARS });
      const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      let done = false;
      for (;;) {
        watch.beforeRead();
        const next = await chunks.next();
        watch.afterRead();
        const events = parseNext(parser, next);
        for (const ev of events) {
          if (done) break;
          if (ev.data === '[DONE]') {
            done = true;
            watch.done();
            break;
          }
          const chunk = this.parseChunk(ev.data, ev.event, request.apiKey);
          const choice = chunk.choices?.[0];
          const content = choice?.delta?.content;
          if (typeof content === 'string' && content.length > 0) {
            if (!watch.gotFirstToken) log.ttftMs = this.clock.nowMs() - started;
            watch.started();
            log.completionChars += content.length;
            watch.throwIfStopped();
            yield { type: 'delta', content };
          }
          const reason = choice?.finish_reason;
          if (!finished && typeof reason === 'string' && reason.length > 0) {
            finished = true;
            log.finishReason = reason;
            watch.started();
            watch.throwIfStopped();
            yield { type: 'finish', finish_reason: reason };
          }
          // LiteLLM sends usage with a non-empty `choices` at times: the `usage` field decides.
          const usage = chunk.usage == null ? undefined : toUsage(chunk.usage);
          if (usage && !usageSent) {
            usageSent = true;
            log.usage = usage;
            log.costUsd = cost;
            watch.started();
            watch.throwIfStopped();
            yield cost === undefined ? { type: 'usage', usage } : { type: 'usage', usage, cost_usd: cost };
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
      const error = this.streamFailure(err, watch, responded, started);
      log.fail(error, watch.cancelled);
      throw error;
    } finally {
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
      const completion = this.toCompletion(res.data, request, parseCost(headers['x-litellm-response-cost']));
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
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.max_tokens === undefined ? {} : { max_tokens: request.max_tokens }),
      ...(request.endUserId === undefined ? {} : { user: request.endUserId }),
    };
  }

  private context(request: CompletionRequest, headers: Record<string, unknown>) {
    return { model: request.model, apiKey: request.apiKey, nowMs: this.clock.nowMs(), headers };
  }

  private parseChunk(data: string, event: string, apiKey: string): ChunkJson {
    let chunk: ChunkJson;
    try {
      chunk = JSON.parse(data) as ChunkJson;
    } catch {
      if (event === 'error') throw streamErrorObject({ message: data }, apiKey);
      throw contractError('The model stream sent a chunk that is not JSON');
    }
    if (chunk === null || typeof chunk !== 'object') throw contractError('The model stream sent a chunk that is not an object');
    if (chunk.error !== undefined && chunk.error !== null) throw streamErrorObject(chunk.error, apiKey);
    if (event === 'error') throw streamErrorObject(chunk, apiKey);
    return chunk;
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

  private toCompletion(data: unknown, request: CompletionRequest, cost: number | undefined): Completion {
    if (data === null || typeof data !== 'object') throw contractError('The model proxy answered with a body that is not a completion');
    const body = data as ChunkJson;
    const choice = body.choices?.[0];
    if (!choice) throw contractError('The model proxy answered without a choice');
    const content = choice.message?.content;
    if (content !== undefined && content !== null && typeof content !== 'string') {
      throw contractError('The model proxy answered with a non-text message');
    }
    return {
      id: typeof body.id === 'string' ? body.id : '',
      model: typeof body.model === 'string' ? body.model : request.model,
      content: content ?? '',
      finish_reason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
      usage: toUsage(body.usage) ?? null,
      ...(cost === undefined ? {} : { cost_usd: cost }),
    };
  }

  /** Why a stream failed, as the port promises it: a deadline, the caller's abort, or the upstream. */
  private streamFailure(err: unknown, watch: StreamWatch, responded: boolean, started: number): AppError {
    if (watch.expired) {
      // Before the headers the shared client saw a cancellation (neutral); it was the upstream's fault.
      this.client.breaker.failure();
      if (!responded) this.observer?.call(this.client.name, 'chat_stream', 'timeout', this.clock.nowMs() - started);
      const what = { first_token: 'first token', idle: 'next chunk', total: 'end of the answer' }[watch.expired];
      return new AppError('UPSTREAM_TIMEOUT', `The model did not send the ${what} in time`, {
        details: { upstream: 'litellm', timeout: watch.expired },
      });
    }
    if (watch.cancelled) return cancelled();
    if (isAppError(err)) return err;
    // The body failed after a 200: the connection dropped (reset, premature close).
    this.client.breaker.failure();
    const code = (err as { code?: unknown } | undefined)?.code;
    return new AppError('UPSTREAM_ERROR', 'The connection to the model dropped before the answer was complete', {
      details: { upstream: 'litellm', phase: 'stream', reason: typeof code === 'string' ? code : 'connection_lost' },
    });
  }
}

/** The one log line of a completion: never the key, never the content. */
class CompletionLog {
  outcome = 'pending';
  status: number | undefined;
  ttftMs: number | undefined;
  usage: TokenUsage | undefined;
  costUsd: number | undefined;
  finishReason: string | undefined;
  completionChars = 0;
  errorCode: string | undefined;
  private level: 'info' | 'warn' = 'info';

  constructor(
    private readonly operation: string,
    private readonly request: CompletionRequest,
    private readonly started: number,
  ) {}

  fail(error: AppError, cancelledByCaller: boolean): void {
    this.errorCode = error.code;
    this.outcome = cancelledByCaller ? 'cancelled' : error.code.toLowerCase();
    if (!cancelledByCaller && error.code.startsWith('UPSTREAM_')) this.level = 'warn';
  }

  write(logger: Logger, nowMs: number): void {
    logger[this.level](
      {
        upstream: 'litellm',
        operation: this.operation,
        model: this.request.model,
        outcome: this.outcome,
        status: this.status,
        duration_ms: nowMs - this.started,
        ttft_ms: this.ttftMs,
        prompt_tokens: this.usage?.prompt_tokens,
        completion_tokens: this.usage?.completion_tokens,
        total_tokens: this.usage?.total_tokens,
        cost_usd: this.costUsd,
        finish_reason: this.finishReason,
        completion_chars: this.completionChars,
        error_code: this.errorCode,
        request_id: this.request.requestId,
      },
      'llm completion',
    );
  }
}
