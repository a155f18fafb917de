import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowUs } from '../support/clock';

/**
 * Lean fakes of the three upstreams of the chat path, for load: LiteLLM (`/chat/completions` from
 * pre-serialised chunks, `/model/info`, `/models`, `/health/liveliness`), the `conversation-manager` Edge
 * Function (`add-message`, `build-context`, `save-response`, the OPTIONS probe) and Supabase REST
 * (`user_profiles` for any user, `auth/v1/health`). Unlike the test fakes they keep no state and
 * check nothing: every answer is built from a few bytes, so the fake never sets the pace.
 *
 * Every call that carries an `X-Request-Id` is timed on the monotonic clock (arrival, first token
 * written, finish), so the bench can tell the time spent at the upstreams from the time spent in
 * the gateway for each request.
 */

export const FUNCTION_PATH = '/functions/v1/conversation-manager';
export const BENCH_MODEL = 'bench/model-a';

export interface StreamShape {
  /** Wait after the request body before the status line and the first token. */
  firstTokenDelayMs: number;
  tokens: number;
  /** Pause between two tokens; 0 writes the whole stream at once. */
  tokenSpacingMs: number;
}

export interface CallRecord {
  requestId: string;
  upstream: 'litellm' | 'edge_function' | 'supabase';
  operation: string;
  arrivalUs: number;
  /** LiteLLM only: the first token was handed to the socket. */
  firstTokenUs?: number;
  finishUs: number;
}

export interface UpstreamUrls {
  litellm: string;
  edgeFunction: string;
  supabase: string;
}

const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' };
const JSON_HEADERS = { 'Content-Type': 'application/json' };

interface StreamBuffers {
  token: Buffer;
  tail: Buffer;
  /** The whole body after the first token (no spacing): one write. */
  rest: Buffer;
}

function sse(data: string): string {
  return `data: ${data}\n\n`;
}

/** One shape's bytes, serialised once: a content delta, and the finish + usage + `[DONE]` tail. */
function streamBuffers(shape: StreamShape): StreamBuffers {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: BENCH_MODEL };
  const token = Buffer.from(sse(JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'tok ' } }] })));
  const usage = { prompt_tokens: 24, completion_tokens: shape.tokens, total_tokens: 24 + shape.tokens };
  const tail = Buffer.from(
    sse(JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })) +
      sse(JSON.stringify({ ...base, choices: [{ index: 0, delta: {} }], usage })) +
      sse('[DONE]'),
  );
  const rest = Buffer.concat([...Array<Buffer>(Math.max(0, shape.tokens - 1)).fill(token), tail]);
  return { token, tail, rest };
}

/** A synthetic catalogue the size of a typical deployment: two dozen models of four providers. */
export function modelInfoPayload(): unknown {
  const providers = ['openai', 'anthropic', 'gemini', 'mistral'];
  const data = [];
  for (let i = 0; i < 24; i += 1) {
    const provider = providers[i % providers.length] as string;
    const name = i === 0 ? BENCH_MODEL : `${provider}/model-${i}`;
    data.push({
      model_name: name,
      litellm_params: { model: `${provider}/model-${i}` },
      model_info: {
        id: randomUUID().replace(/-/g, ''),
        db_model: false,
        key: name,
        max_tokens: 4096 * (1 + (i % 4)),
        max_input_tokens: 32_000 * (1 + (i % 4)),
        max_output_tokens: 4096 * (1 + (i % 4)),
        input_cost_per_token: 1e-6 * (1 + i),
        output_cost_per_token: 4e-6 * (1 + i),
        litellm_provider: provider,
        mode: i % 6 === 5 ? 'embedding' : 'chat',
        supports_function_calling: i % 2 === 0,
        supports_vision: i % 3 === 0,
        supports_response_schema: i % 4 === 0,
        supports_prompt_caching: i % 5 === 0,
      },
    });
  }
  return { data };
}

function listen(server: http.Server): Promise<string> {
  // A deep backlog: a thousand streams may connect in the same millisecond.
  return new Promise((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function createServer(handler: http.RequestListener): http.Server {
  const server = http.createServer(handler);
  // Longer than the gateway's pool keeps a socket idle, so no reused socket is closed under it.
  server.keepAliveTimeout = 120_000;
  return server;
}

function readBody(req: http.IncomingMessage, done: (body: string) => void): void {
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () =>
    done(parts.length === 0 ? '' : parts.length === 1 ? (parts[0] as Buffer).toString() : Buffer.concat(parts).toString()),
  );
}

/** The `sub` of a JWT, without verifying it: the gateway already did. */
function subOf(authorization: string | undefined): string {
  const payload = authorization?.split('.')[1];
  if (!payload) return '';
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: string }).sub ?? '';
  } catch {
    return '';
  }
}

export class BenchUpstreams {
  private records: CallRecord[] = [];
  private shape: StreamShape = { firstTokenDelayMs: 0, tokens: 16, tokenSpacingMs: 0 };
  private buffers = streamBuffers(this.shape);
  private readonly modelInfo = Buffer.from(JSON.stringify(modelInfoPayload()));
  /** `/models` for any key: every model, as for a LiteLLM key without restrictions. */
  private readonly keyModels = Buffer.from(
    JSON.stringify({
      object: 'list',
      data: (modelInfoPayload() as { data: { model_name: string }[] }).data.map((m) => ({
        id: m.model_name,
        object: 'model',
        owned_by: 'bench',
      })),
    }),
  );
  private readonly profiles = new Map<string, Buffer>();
  private readonly context = Buffer.from(
    JSON.stringify({
      success: true,
      data: {
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Hello from the benchmark: say something.' },
        ],
        model: BENCH_MODEL,
      },
    }),
  );
  private readonly servers: http.Server[] = [];

  /**
   * `litellm` serves the model proxy; `platform` the Edge Function and Supabase REST. They run in
   * separate processes, as the real services do, so a thousand token streams never delay a profile read.
   */
  async start(role: 'litellm' | 'platform'): Promise<Partial<UpstreamUrls>> {
    if (role === 'litellm') {
      const litellm = createServer((req, res) => this.litellm(req, res));
      this.servers.push(litellm);
      return { litellm: await listen(litellm) };
    }
    const edge = createServer((req, res) => this.edge(req, res));
    const supabase = createServer((req, res) => this.supabase(req, res));
    this.servers.push(edge, supabase);
    const [e, s] = await Promise.all([listen(edge), listen(supabase)]);
    return { edgeFunction: `${e}${FUNCTION_PATH}`, supabase: s };
  }

  configure(shape: StreamShape): void {
    this.shape = shape;
    this.buffers = streamBuffers(shape);
  }

  /** The records since the last call (and forgets them). */
  collect(): CallRecord[] {
    const out = this.records;
    this.records = [];
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  private record(
    req: http.IncomingMessage,
    upstream: CallRecord['upstream'],
    operation: string,
    arrivalUs: number,
  ): CallRecord | undefined {
    const requestId = req.headers['x-request-id'];
    if (typeof requestId !== 'string') return undefined;
    const record: CallRecord = { requestId, upstream, operation, arrivalUs, finishUs: 0 };
    this.records.push(record);
    return record;
  }

  private litellm(req: http.IncomingMessage, res: http.ServerResponse): void {
    const arrival = nowUs();
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && (path === '/chat/completions' || path === '/v1/chat/completions')) {
      const record = this.record(req, 'litellm', 'chat_stream', arrival);
      readBody(req, () => this.stream(res, record));
      return;
    }
    req.resume();
    if (path === '/model/info' || path === '/v1/model/info') res.writeHead(200, JSON_HEADERS).end(this.modelInfo);
    else if (path === '/models' || path === '/v1/models') res.writeHead(200, JSON_HEADERS).end(this.keyModels);
    else if (path === '/health/liveliness') res.writeHead(200, JSON_HEADERS).end('"I\'m alive!"');
    else res.writeHead(404, JSON_HEADERS).end('{"detail":"Not Found"}');
  }

  private stream(res: http.ServerResponse, record: CallRecord | undefined): void {
    const shape = this.shape;
    const buffers = this.buffers;
    const begin = (): void => {
      if (res.destroyed) return;
      res.writeHead(200, SSE_HEADERS);
      if (shape.tokenSpacingMs === 0 || shape.tokens <= 1) {
        res.write(buffers.token);
        if (record) record.firstTokenUs = nowUs();
        res.end(buffers.rest);
        if (record) record.finishUs = nowUs();
        return;
      }
      res.write(buffers.token);
      if (record) record.firstTokenUs = nowUs();
      let sent = 1;
      let waiting = false;
      const timer = setTimeout(function tick() {
        if (res.destroyed) return;
        sent += 1;
        if (sent >= shape.tokens) {
          res.end(Buffer.concat([buffers.token, buffers.tail]));
          if (record) record.finishUs = nowUs();
          return;
        }
        if (res.write(buffers.token)) timer.refresh();
        else if (!waiting) {
          waiting = true;
          res.once('drain', () => {
            waiting = false;
            timer.refresh();
          });
        }
      }, shape.tokenSpacingMs);
      res.once('close', () => clearTimeout(timer));
    };
    if (shape.firstTokenDelayMs > 0) setTimeout(begin, shape.firstTokenDelayMs);
    else begin();
  }

  private edge(req: http.IncomingMessage, res: http.ServerResponse): void {
    const arrival = nowUs();
    const path = (req.url ?? '/').split('?')[0] ?? '';
    const operation = path.startsWith(FUNCTION_PATH) ? path.slice(FUNCTION_PATH.length) : path;
    if (req.method === 'OPTIONS') {
      req.resume();
      res.writeHead(204).end();
      return;
    }
    const record = this.record(req, 'edge_function', operation, arrival);
    readBody(req, (text) => {
      let body: string | Buffer;
      if (operation === '/add-message') {
        const input = (text ? JSON.parse(text) : {}) as { conversation_id?: string };
        body = JSON.stringify({
          success: true,
          data: {
            message_id: randomUUID(),
            conversation_id: input.conversation_id ?? randomUUID(),
            branch_id: randomUUID(),
            parent_id: null,
            is_new_conversation: input.conversation_id === undefined,
          },
        });
      } else if (operation === '/build-context') body = this.context;
      else if (operation === '/save-response') body = JSON.stringify({ success: true, data: { message_id: randomUUID() } });
      else {
        res.writeHead(404, JSON_HEADERS).end('{"success":false,"error":"Not found"}');
        return;
      }
      res.writeHead(200, JSON_HEADERS).end(body);
      if (record) record.finishUs = nowUs();
    });
  }

  private supabase(req: http.IncomingMessage, res: http.ServerResponse): void {
    const arrival = nowUs();
    req.resume();
    const url = req.url ?? '/';
    if (url.startsWith('/auth/v1/health')) {
      res.writeHead(200, JSON_HEADERS).end('{"name":"GoTrue","description":"bench"}');
      return;
    }
    if (!url.startsWith('/rest/v1/user_profiles')) {
      res.writeHead(404, JSON_HEADERS).end('{"code":"PGRST205","message":"not found"}');
      return;
    }
    const record = this.record(req, 'supabase', 'user_profiles.read', arrival);
    const userId = subOf(req.headers.authorization);
    let body = this.profiles.get(userId);
    if (!body) {
      body = Buffer.from(
        JSON.stringify([
          {
            id: userId,
            email: `${userId.slice(0, 8)}@bench.example`,
            litellm_key: `sk-bench-${userId.slice(0, 8)}`,
            spend: 1.25,
            max_budget: 1000,
            available_balance: 998.75,
            display_name: null,
            default_model: null,
            locale: null,
            preferences: {},
            created_at: '2025-09-01T06:15:51.432019+00:00',
            updated_at: '2025-09-01T06:15:51.432019+00:00',
          },
        ]),
      );
      this.profiles.set(userId, body);
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Range': '0-0/*' }).end(body);
    if (record) record.finishUs = nowUs();
  }
}
