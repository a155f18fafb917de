import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One step of a scripted stream, in order. */
export type StreamStep =
  /** `data: <JSON>\n\n` */
  | { chunk: Record<string, unknown> }
  /** Written as is: comments, CRLF events, half lines, malformed data. */
  | { raw: string | Buffer }
  | { delayMs: number }
  /** `data: [DONE]\n\n` */
  | { done: true }
  /** LiteLLM's error after the stream started: `data: {"error":{...}}`. */
  | { error: { message: string; type?: string; code?: string; param?: string | null } }
  /** The connection drops: the socket is destroyed mid-response. */
  | { destroy: true }
  /** Nothing more is sent; the response stays open until the client leaves. */
  | { hang: true }
  /** Nothing is sent until the promise settles (the test opens it once it saw what it waited for), or the client leaves. */
  | { gate: Promise<unknown> };

export interface StreamReply {
  kind: 'stream';
  /** Wait before the status line and headers (a proxy slow to answer at all). */
  delayMs?: number;
  /** No status line nor header until the promise settles (or the client leaves). */
  headersGate?: Promise<unknown>;
  headers?: Record<string, string>;
  steps: StreamStep[];
}

export interface JsonReply {
  kind: 'json';
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON, unless it is a string (then written as is, e.g. an HTML error page). */
  body: unknown;
  delayMs?: number;
}

/**
 * A stream served from pre-serialised chunks, for the chat route tests and the benchmark: the
 * first token after `firstTokenDelayMs`, then `tokens` deltas `tokenSpacingMs` apart, then the
 * finish chunk, a usage chunk (with a non-empty `choices`, as LiteLLM does) and `[DONE]`.
 */
export interface FastStreamReply {
  kind: 'fast';
  firstTokenDelayMs?: number;
  tokens?: number;
  tokenSpacingMs?: number;
  /** The text of every delta (default `"tok "`). */
  token?: string;
  costUsd?: number;
}

export type FakeReply = StreamReply | JsonReply | FastStreamReply;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** The client closed the connection before the response ended (an abort reached the upstream). */
  clientClosedEarly: boolean;
  /** The whole response was handed to the socket. */
  responseEnded: boolean;
  /** Writes of this response that had to wait for `drain`: the client was not reading. */
  drainWaits: number;
  /** Resolves once this exchange is over: the response ended or the connection closed. */
  closed: Promise<void>;
}

export const FAKE_MODEL = 'gpt-4o-mini';

const created = 1_700_000_000;

/** A `chat.completion.chunk` as LiteLLM sends it (null fields dropped). */
export function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}, id = 'chatcmpl-fake'): Record<string, unknown> {
  return { id, object: 'chat.completion.chunk', created, model: FAKE_MODEL, choices: [{ index: 0, delta }], ...extra };
}

export interface ChunkOptions {
  usage?: FakeUsage | false;
  /** LiteLLM's quirk (default): the usage chunk has `choices: [{index:0, delta:{}}]`, not `[]`. */
  usageWithChoices?: boolean;
  finishReason?: string;
  /** End with `[DONE]` (default). */
  done?: boolean;
}

/** The steps of a well-formed LiteLLM stream: role, one delta per token, finish, usage, `[DONE]`. */
export function chatSteps(tokens: string[], options: ChunkOptions = {}): StreamStep[] {
  const usage = options.usage === undefined ? usageFor(tokens.length) : options.usage;
  const steps: StreamStep[] = [{ chunk: chunk({ role: 'assistant' }) }];
  for (const t of tokens) steps.push({ chunk: chunk({ content: t }) });
  steps.push({ chunk: { ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: options.finishReason ?? 'stop' }] } });
  if (usage) steps.push({ chunk: { ...chunk({}), choices: options.usageWithChoices === false ? [] : [{ index: 0, delta: {} }], usage } });
  if (options.done !== false) steps.push({ done: true });
  return steps;
}

export function usageFor(completionTokens: number, promptTokens = 12): FakeUsage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

export function streamReply(tokens: string[], options: ChunkOptions & { headers?: Record<string, string> } = {}): StreamReply {
  return { kind: 'stream', headers: options.headers, steps: chatSteps(tokens, options) };
}

/** A non-streaming `chat.completion`. */
export function completionReply(content: string, options: { usage?: FakeUsage; headers?: Record<string, string> } = {}): JsonReply {
  return {
    kind: 'json',
    headers: options.headers,
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created,
      model: FAKE_MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: options.usage ?? usageFor(content.split(/\s+/).filter(Boolean).length),
    },
  };
}

/** LiteLLM's error body: `{"error":{"message","type","param":"None","code":"<status>"}}` (code a string). */
export function errorReply(status: number, message: string, type: string, headers?: Record<string, string>): JsonReply {
  return { kind: 'json', status, headers, body: { error: { message, type, param: 'None', code: String(status) } } };
}

/** The body of older LiteLLM versions: `{"detail":"..."}`. */
export function detailReply(status: number, detail: unknown, headers?: Record<string, string>): JsonReply {
  return { kind: 'json', status, headers, body: { detail } };
}

const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' };

function sse(data: string): string {
  return `data: ${data}\n\n`;
}

/** Pre-serialised fast streams, by their shape: built once, written many times. */
const fastCache = new Map<string, { token: Buffer; tail: Buffer; all?: Buffer }>();

function fastBuffers(reply: FastStreamReply): { token: Buffer; tail: Buffer; all?: Buffer } {
  const tokens = reply.tokens ?? 20;
  const text = reply.token ?? 'tok ';
  const key = `${tokens}\u0000${text}\u0000${reply.tokenSpacingMs ?? 0}`;
  let entry = fastCache.get(key);
  if (!entry) {
    const token = Buffer.from(sse(JSON.stringify(chunk({ content: text }))));
    const tail = Buffer.from(
      sse(JSON.stringify({ ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })) +
        sse(JSON.stringify({ ...chunk({}), choices: [{ index: 0, delta: {} }], usage: usageFor(tokens) })) +
        sse('[DONE]'),
    );
    entry = {
      token,
      tail,
      all: (reply.tokenSpacingMs ?? 0) === 0 ? Buffer.concat([...Array<Buffer>(tokens).fill(token), tail]) : undefined,
    };
    fastCache.set(key, entry);
  }
  return entry;
}

/** What the fake answers when no reply is queued: `Echo: <last user message>` word by word. */
export function defaultReply(body: unknown): FakeReply {
  const b = (body ?? {}) as { stream?: boolean; messages?: { role: string; content: string }[] };
  const last = [...(b.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
  const text = `Echo: ${last}`;
  if (!b.stream) return completionReply(text);
  return streamReply(text.match(/\s*\S+/g) ?? []);
}

/**
 * LiteLLM on 127.0.0.1 for `/chat/completions` (and `/v1/chat/completions`), scripted per request:
 * queued replies are served in order, then `fallback` answers. Every request is recorded (headers
 * including Authorization, parsed body) with whether the client hung up before the response ended.
 * Also serves `/health/liveliness` and `/health/readiness`.
 */
export class FakeLiteLlmServer {
  readonly requests: RecordedRequest[] = [];
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  connections = 0;
  /** Answers a chat call when the queue is empty. */
  fallback: (body: unknown) => FakeReply = defaultReply;
  private readonly queue: FakeReply[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<FakeLiteLlmServer> {
    const ref: { fake?: FakeLiteLlmServer } = {};
    const server = http.createServer((req, res) => {
      if (ref.fake) void ref.fake.handle(req, res);
    });
    server.on('connection', () => {
      if (ref.fake) ref.fake.connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ref.fake = new FakeLiteLlmServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return ref.fake;
  }

  /** Queues replies for the next chat calls, in order. */
  reply(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  get lastRequest(): RecordedRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) throw new Error('the fake LiteLLM received no request');
    return last;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.fallback = defaultReply;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method === 'GET' && path === '/health/liveliness') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify("I'm alive!"));
      return;
    }
    if (req.method === 'GET' && path === '/health/readiness') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'connected', db: 'connected' }));
      return;
    }
    if (req.method !== 'POST' || (path !== '/chat/completions' && path !== '/v1/chat/completions')) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ detail: 'Not Found' }));
      return;
    }

    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const raw = Buffer.concat(parts).toString('utf8');
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Recorded as text: a test may want to see what was sent.
    }

    const gone = new AbortController();
    let serverDestroyed = false;
    let resolveClosed: () => void = () => undefined;
    const record: RecordedRequest = {
      method: req.method,
      path,
      headers: req.headers,
      body,
      clientClosedEarly: false,
      responseEnded: false,
      drainWaits: 0,
      closed: new Promise<void>((resolve) => (resolveClosed = resolve)),
    };
    this.requests.push(record);
    res.on('finish', () => (record.responseEnded = true));
    res.on('close', () => {
      if (!res.writableFinished && !serverDestroyed) record.clientClosedEarly = true;
      gone.abort();
      resolveClosed();
    });

    const reply = this.queue.shift() ?? this.fallback(body);
    try {
      await this.play(reply, res, record, gone.signal, () => (serverDestroyed = true));
    } catch {
      // The client left while we waited or wrote: nothing more to send.
    }
  }

  private async play(
    reply: FakeReply,
    res: http.ServerResponse,
    record: RecordedRequest,
    gone: AbortSignal,
    destroying: () => void,
  ): Promise<void> {
    const write = (data: string | Buffer) => writeOrWait(res, data, record, gone);
    if (reply.kind === 'json') {
      if (reply.delayMs) await sleep(reply.delayMs, undefined, { signal: gone });
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(reply.status ?? 200, { 'Content-Type': type, ...reply.headers }).end(text);
      return;
    }
    if (reply.kind === 'fast') {
      const { token, tail, all } = fastBuffers(reply);
      if (reply.firstTokenDelayMs) await sleep(reply.firstTokenDelayMs, undefined, { signal: gone });
      res.writeHead(200, { ...SSE_HEADERS, ...(reply.costUsd === undefined ? {} : { 'x-litellm-response-cost': String(reply.costUsd) }) });
      if (all) {
        res.end(all);
        return;
      }
      const tokens = reply.tokens ?? 20;
      for (let i = 0; i < tokens; i += 1) {
        if (i > 0) await sleep(reply.tokenSpacingMs ?? 0, undefined, { signal: gone });
        await write(token);
      }
      res.end(tail);
      return;
    }

    if (reply.delayMs) await sleep(reply.delayMs, undefined, { signal: gone });
    if (reply.headersGate) await untilSettledOrGone(reply.headersGate, gone);
    if (gone.aborted) return;
    res.writeHead(200, { ...SSE_HEADERS, ...reply.headers });
    res.flushHeaders();
    for (const step of reply.steps) {
      if (gone.aborted) return;
      if ('delayMs' in step) await sleep(step.delayMs, undefined, { signal: gone });
      else if ('chunk' in step) await write(sse(JSON.stringify(step.chunk)));
      else if ('raw' in step) await write(step.raw);
      else if ('done' in step) await write(sse('[DONE]'));
      else if ('error' in step) await write(sse(JSON.stringify({ error: { param: null, ...step.error } })));
      else if ('destroy' in step) {
        destroying();
        res.socket?.destroy();
        return;
      } else if ('hang' in step) {
        await new Promise<void>((resolve) => gone.addEventListener('abort', () => resolve(), { once: true }));
        return;
      } else if ('gate' in step) await untilSettledOrGone(step.gate, gone);
    }
    res.end();
  }
}

function untilSettledOrGone(gate: Promise<unknown>, gone: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    gone.addEventListener('abort', () => resolve(), { once: true });
    void gate.then(
      () => resolve(),
      () => resolve(),
    );
  });
}

/** Writes with backpressure: waits for `drain`, or gives up when the client leaves. */
async function writeOrWait(res: http.ServerResponse, data: string | Buffer, record: RecordedRequest, gone: AbortSignal): Promise<void> {
  if (res.write(data)) return;
  record.drainWaits += 1;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      gone.removeEventListener('abort', done);
      resolve();
    };
    res.on('drain', done);
    gone.addEventListener('abort', done, { once: true });
  });
}
