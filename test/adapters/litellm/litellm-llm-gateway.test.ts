import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { LiteLlmGateway, MAX_STREAM_EVENT_CHARS, type LiteLlmGatewayOptions } from '../../../src/adapters/litellm/litellm-llm-gateway';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { AppError } from '../../../src/domain/errors/app-error';
import type { CompletionRequest, StreamEvent } from '../../../src/ports/llm-gateway.port';
import type { Logger } from '../../../src/ports/logger.port';
import {
  chatSteps,
  chunk,
  completionReply,
  detailReply,
  errorReply,
  FakeLiteLlmServer,
  streamReply,
  usageFor,
  type StreamStep,
} from '../../fakes/fake-litellm-server';
import { useNock, useRealHttp } from '../../support/real-http';
import { eachEvent } from '../../support/async';

const USER_KEY = 'sk-user-virtual-key-0123456789';

interface LogEntry {
  level: string;
  fields: Record<string, unknown>;
  msg?: string;
}

/** Keeps every call as made (no redaction), so a test can prove the adapter never logs a secret. */
class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  trace(fields: object, msg?: string): void {
    this.entries.push({ level: 'trace', fields: fields as Record<string, unknown>, msg });
  }
  debug(fields: object, msg?: string): void {
    this.entries.push({ level: 'debug', fields: fields as Record<string, unknown>, msg });
  }
  info(fields: object, msg?: string): void {
    this.entries.push({ level: 'info', fields: fields as Record<string, unknown>, msg });
  }
  warn(fields: object, msg?: string): void {
    this.entries.push({ level: 'warn', fields: fields as Record<string, unknown>, msg });
  }
  error(fields: object, msg?: string): void {
    this.entries.push({ level: 'error', fields: fields as Record<string, unknown>, msg });
  }
  child(): Logger {
    return this;
  }
  completions(): Record<string, unknown>[] {
    return this.entries.filter((e) => e.msg === 'llm completion').map((e) => e.fields);
  }
}

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hello' },
    ],
    apiKey: USER_KEY,
    endUserId: '11111111-1111-4111-8111-111111111111',
    requestId: 'req-1',
    ...overrides,
  };
}

async function collect(stream: AsyncIterable<StreamEvent[]>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of eachEvent(stream)) events.push(e);
  return events;
}

/** The events before the failure and the AppError it ended with; fails the test when the stream succeeds. */
async function failure(stream: AsyncIterable<StreamEvent[]>): Promise<{ events: StreamEvent[]; error: AppError }> {
  const events: StreamEvent[] = [];
  try {
    for await (const e of eachEvent(stream)) events.push(e);
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(AppError);
    return { events, error: err as AppError };
  }
  throw new Error(`expected the stream to fail, but it ended after ${events.length} events`);
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

async function eventually<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 400; i += 1) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function deltas(events: StreamEvent[]): string {
  return events.map((e) => (e.type === 'delta' ? e.content : '')).join('');
}

describe('LiteLlmGateway', () => {
  useRealHttp();
  let fake: FakeLiteLlmServer;
  let logger: RecordingLogger;

  before(async () => {
    fake = await FakeLiteLlmServer.start();
  });
  after(async () => fake.close());
  beforeEach(() => {
    fake.reset();
    logger = new RecordingLogger();
  });

  function gateway(overrides: Partial<LiteLlmGatewayOptions> = {}): LiteLlmGateway {
    return new LiteLlmGateway(
      { baseUrl: fake.baseUrl, poolSize: 4, firstTokenTimeoutMs: 5_000, idleTimeoutMs: 5_000, totalTimeoutMs: 15_000, ...overrides },
      new SystemClock(),
      logger,
    );
  }

  describe('stream()', () => {
    it('yields the deltas in order, then finish, then usage with the cost header', async () => {
      fake.reply(streamReply(['Hel', 'lo', ', ', 'wor', 'ld'], { headers: { 'x-litellm-response-cost': '0.00042' } }));
      const events = await collect(gateway().stream(request({ temperature: 0.3, max_tokens: 50 }), new AbortController().signal));
      expect(events).to.deep.equal([
        { type: 'delta', content: 'Hel' },
        { type: 'delta', content: 'lo' },
        { type: 'delta', content: ', ' },
        { type: 'delta', content: 'wor' },
        { type: 'delta', content: 'ld' },
        { type: 'finish', finish_reason: 'stop' },
        { type: 'usage', usage: usageFor(5), cost_usd: 0.00042 },
      ]);
    });

    it("sends the user's own key, the end user, stream_options.include_usage and the chat parameters", async () => {
      await collect(gateway().stream(request({ temperature: 0.3, max_tokens: 50 }), new AbortController().signal));
      const sent = fake.lastRequest;
      expect(sent.path).to.equal('/chat/completions');
      expect(sent.headers.authorization).to.equal(`Bearer ${USER_KEY}`);
      expect(sent.headers['x-request-id']).to.equal('req-1');
      expect(sent.body).to.deep.equal({
        model: 'gpt-4o-mini',
        messages: request().messages,
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0.3,
        max_tokens: 50,
        user: '11111111-1111-4111-8111-111111111111',
      });
    });

    it('omits optional parameters the caller did not give', async () => {
      await collect(gateway().stream(request({ endUserId: undefined }), new AbortController().signal));
      expect(fake.lastRequest.body).to.not.have.any.keys('temperature', 'max_tokens', 'user');
    });

    it('detects usage by the usage field, also on a chunk with empty choices, and has no cost without the header', async () => {
      fake.reply(streamReply(['a'], { usageWithChoices: false }));
      const events = await collect(gateway().stream(request(), new AbortController().signal));
      expect(events.at(-1)).to.deep.equal({ type: 'usage', usage: usageFor(1) });
    });

    it('yields delta, finish and usage from one chunk that carries all three', async () => {
      const all = { ...chunk({}), choices: [{ index: 0, delta: { content: 'only' }, finish_reason: 'length' }], usage: usageFor(1) };
      fake.reply({ kind: 'stream', steps: [{ chunk: all }, { done: true }] });
      const events = await collect(gateway().stream(request(), new AbortController().signal));
      expect(events).to.deep.equal([
        { type: 'delta', content: 'only' },
        { type: 'finish', finish_reason: 'length' },
        { type: 'usage', usage: usageFor(1) },
      ]);
    });

    it('ignores role-only and empty deltas, comments and pings', async () => {
      const steps: StreamStep[] = [
        { raw: ': ping\n\n' },
        { chunk: chunk({ role: 'assistant', content: '' }) },
        { chunk: chunk({ content: 'x' }) },
        { raw: ': ping\r\n\r\n' },
        ...chatSteps(['y']).slice(1),
      ];
      fake.reply({ kind: 'stream', steps });
      const events = await collect(gateway().stream(request(), new AbortController().signal));
      expect(events.filter((e) => e.type === 'delta')).to.deep.equal([
        { type: 'delta', content: 'x' },
        { type: 'delta', content: 'y' },
      ]);
    });

    it('reassembles chunks split inside a UTF-8 character and inside CRLF over real HTTP', async () => {
      const bytes = Buffer.from(`data: ${JSON.stringify(chunk({ content: 'Привет 🌍' }))}\r\n\r\ndata: [DONE]\r\n\r\n`);
      const emoji = bytes.indexOf(Buffer.from('🌍'));
      const crlf = bytes.indexOf('\r\n');
      const cuts = [0, emoji + 2, crlf + 1, bytes.length];
      const steps: StreamStep[] = [];
      for (let i = 1; i < cuts.length; i += 1) steps.push({ raw: bytes.subarray(cuts[i - 1], cuts[i]) }, { delayMs: 5 });
      fake.reply({ kind: 'stream', steps });
      const events = await collect(gateway().stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('Привет 🌍');
    });

    it('throws UPSTREAM_ERROR with the upstream message for an error object mid-stream (no [DONE] after it)', async () => {
      fake.reply({
        kind: 'stream',
        steps: [
          ...chatSteps(['partial'], { done: false, usage: false }).slice(0, 2),
          { error: { message: 'Provider overloaded', type: 'APIError', code: '500' } },
        ],
      });
      const { events, error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('partial');
      expect(error.code).to.equal('UPSTREAM_ERROR');
      expect(error.details).to.include({
        phase: 'stream',
        upstream_message: 'Provider overloaded',
        upstream_type: 'APIError',
        upstream_code: '500',
      });
    });

    it('throws UPSTREAM_ERROR when the connection drops before [DONE]', async () => {
      fake.reply({ kind: 'stream', steps: [{ chunk: chunk({ content: 'half' }) }, { delayMs: 10 }, { destroy: true }] });
      const { events, error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('half');
      expect(error.code).to.equal('UPSTREAM_ERROR');
      expect(error.details).to.include({ upstream: 'litellm', phase: 'stream' });
    });

    it('throws UPSTREAM_ERROR when the body ends cleanly but without [DONE]', async () => {
      fake.reply(streamReply(['a', 'b'], { done: false }));
      const { events, error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('ab');
      expect(error.code).to.equal('UPSTREAM_ERROR');
      expect(error.details).to.include({ reason: 'ended_without_done' });
    });

    it('yields the chunks of one upstream read as one batch, one event per chunk, in order', async () => {
      const sse = (c: Record<string, unknown>): string => `data: ${JSON.stringify(c)}\n\n`;
      const oneRead = ['a', 'b', 'c'].map((t) => sse(chunk({ content: t }))).join('');
      fake.reply({ kind: 'stream', steps: [{ raw: oneRead }, { chunk: chunk({ content: 'd' }) }, { done: true }] });
      const batches: StreamEvent[][] = [];
      for await (const batch of gateway().stream(request(), new AbortController().signal)) batches.push(batch);
      // The next write may join the same read; the three of one write always travel together.
      expect(batches[0]?.slice(0, 3)).to.deep.equal([
        { type: 'delta', content: 'a' },
        { type: 'delta', content: 'b' },
        { type: 'delta', content: 'c' },
      ]);
      expect(batches.flat().filter((e) => e.type === 'delta')).to.have.length(4);
      for (const batch of batches) expect(batch).to.not.be.empty;
    });

    it('lets the good chunks of a read go up before a broken one in the same read fails the stream', async () => {
      const good = `data: ${JSON.stringify(chunk({ content: 'kept' }))}\n\n`;
      fake.reply({ kind: 'stream', steps: [{ raw: `${good}data: {not json\n\n` }, { done: true }] });
      const { events, error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('kept');
      expect(error.code).to.equal('UPSTREAM_CONTRACT');
    });

    it('throws UPSTREAM_CONTRACT for a chunk that is not JSON', async () => {
      fake.reply({ kind: 'stream', steps: [{ raw: 'data: {not json\n\n' }, { done: true }] });
      const { error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_CONTRACT');
    });

    it('ends the turn with UPSTREAM_CONTRACT when one event passes 1 MiB (a line that never ends), and closes the upstream request', async () => {
      const endless = Buffer.from(`data: {"choices":[{"delta":{"content":"${'a'.repeat(64 * 1024)}`);
      fake.reply({
        kind: 'stream',
        steps: [{ chunk: chunk({ content: 'first' }) }, ...Array.from({ length: 20 }, () => ({ raw: endless })), { hang: true }],
      });
      const { events, error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('first');
      expect(error.code).to.equal('UPSTREAM_CONTRACT');
      expect(error.message).to.contain(String(MAX_STREAM_EVENT_CHARS));
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
    });

    it('streams a long answer of normal events: the cap is per event, not per body', async () => {
      const token = 'b'.repeat(1000);
      fake.reply(streamReply(Array.from({ length: 1500 }, () => token)));
      const events = await collect(gateway().stream(request(), new AbortController().signal));
      expect(deltas(events)).to.have.length(1500 * 1000);
    });

    it('returns the socket to the keep-alive pool after [DONE]', async () => {
      const gw = gateway();
      const before = fake.connections;
      await collect(gw.stream(request(), new AbortController().signal));
      await collect(gw.stream(request(), new AbortController().signal));
      await collect(gw.stream(request(), new AbortController().signal));
      expect(fake.requests).to.have.length(3);
      expect(fake.connections - before).to.equal(1);
    });
  });

  describe('stream() errors before the stream', () => {
    it("turns a 401 on the user's key into UPSTREAM_ERROR with a cause, never AUTH_*, and never echoes the key", async () => {
      fake.reply(errorReply(401, `Authentication Error, Invalid proxy server token passed. Received API Key = ${USER_KEY}`, 'auth_error'));
      const { error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_ERROR');
      expect(error.code).to.not.match(/^AUTH_/);
      expect(error.details).to.include({ cause: 'llm_key_rejected', status: 401, upstream_type: 'auth_error', upstream_code: '401' });
      expect(JSON.stringify(error.details) + error.message).to.not.include(USER_KEY);
    });

    it('turns a 403 into UPSTREAM_ERROR too', async () => {
      fake.reply(detailReply(403, 'Forbidden'));
      const { error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_ERROR');
      expect(error.details).to.include({ cause: 'llm_key_forbidden' });
    });

    it('turns 401 key_model_access_denied into MODEL_NOT_ALLOWED', async () => {
      fake.reply(
        errorReply(
          401,
          'key not allowed to access model. This key can only access models=[gpt-3.5]. Tried to access gpt-4o-mini',
          'key_model_access_denied',
        ),
      );
      const { error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(error.code).to.equal('MODEL_NOT_ALLOWED');
      expect(error.details).to.include({ model: 'gpt-4o-mini' });
    });

    it('recognises the access-denied message in an old {"detail"} body', async () => {
      fake.reply(detailReply(401, 'Authentication Error - key not allowed to access model gpt-4o-mini'));
      const { error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(error.code).to.equal('MODEL_NOT_ALLOWED');
    });

    it('turns 400 budget_exceeded into INSUFFICIENT_BALANCE with the numbers of the message', async () => {
      fake.reply(errorReply(400, 'Budget has been exceeded! Current cost: 10.5, Max budget: 10.0', 'budget_exceeded'));
      const { error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(error.code).to.equal('INSUFFICIENT_BALANCE');
      expect(error.details).to.include({ available_balance: -0.5, max_budget: 10, current_cost: 10.5 });
    });

    it('turns a {"detail"} budget message into INSUFFICIENT_BALANCE', async () => {
      fake.reply(detailReply(400, 'Budget has been exceeded! Current cost: 3, Max budget: 3'));
      const { error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(error.code).to.equal('INSUFFICIENT_BALANCE');
      expect(error.details).to.include({ available_balance: 0, max_budget: 3 });
    });

    it('turns another 400 into VALIDATION_ERROR with the upstream message, from either body shape', async () => {
      fake.reply(
        errorReply(400, 'temperature must be between 0 and 2', 'bad_request_error'),
        detailReply(400, 'messages must not be empty'),
      );
      const first = await failure(gateway().stream(request(), new AbortController().signal));
      expect(first.error.code).to.equal('VALIDATION_ERROR');
      expect(first.error.message).to.equal('temperature must be between 0 and 2');
      const second = await failure(gateway().stream(request(), new AbortController().signal));
      expect(second.error.code).to.equal('VALIDATION_ERROR');
      expect(second.error.message).to.equal('messages must not be empty');
    });

    it('turns a 404 (unknown model) into VALIDATION_ERROR on the model field', async () => {
      fake.reply(errorReply(404, 'The model `gpt-9` does not exist', 'not_found_error'));
      const { error } = await failure(gateway().stream(request({ model: 'gpt-9' }), new AbortController().signal));
      expect(error.code).to.equal('VALIDATION_ERROR');
      expect((error.details?.fields as { path: string }[])[0]?.path).to.equal('model');
    });

    it('turns 429 into RATE_LIMITED with retryAfterSeconds from retry-after', async () => {
      fake.reply(errorReply(429, 'Rate limit reached for key: rpm limit 10', 'rate_limit_error', { 'retry-after': '7' }));
      const { error } = await failure(gateway().stream(request(), new AbortController().signal));
      expect(error.code).to.equal('RATE_LIMITED');
      expect(error.retryAfterSeconds).to.equal(7);
    });

    it('turns 503 into UPSTREAM_UNAVAILABLE and 500 into UPSTREAM_ERROR', async () => {
      fake.reply(detailReply(503, 'No deployments available'), errorReply(500, 'boom', 'internal_server_error'));
      const unavailable = await failure(gateway().stream(request(), new AbortController().signal));
      expect(unavailable.error.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(unavailable.error.retryAfterSeconds).to.be.a('number');
      const broken = await failure(gateway().stream(request(), new AbortController().signal));
      expect(broken.error.code).to.equal('UPSTREAM_ERROR');
      expect(broken.error.details).to.include({ status: 500, upstream_message: 'boom' });
    });

    it('does not retry a failed chat POST', async () => {
      fake.reply(errorReply(502, 'bad gateway', 'internal_server_error'), streamReply(['should not be used']));
      await failure(gateway().stream(request(), new AbortController().signal));
      expect(fake.requests).to.have.length(1);
    });

    it('opens the circuit after repeated 5xx, then fails fast without calling the upstream', async () => {
      const gw = gateway({ failureThreshold: 2, openMs: 60_000 });
      fake.reply(errorReply(500, 'down', 'internal_server_error'), errorReply(500, 'down', 'internal_server_error'));
      await failure(gw.stream(request(), new AbortController().signal));
      await failure(gw.stream(request(), new AbortController().signal));
      const { error } = await failure(gw.stream(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(fake.requests).to.have.length(2);
    });

    it('turns a refused connection into UPSTREAM_UNAVAILABLE', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const { error } = await failure(gateway({ baseUrl: `http://127.0.0.1:${port}` }).stream(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(error.details).to.include({ reason: 'ECONNREFUSED' });
    });

    it('refuses to call without a user key (never falls back to another key)', async () => {
      const { error } = await failure(gateway().stream(request({ apiKey: '' }), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_ERROR');
      expect(error.details).to.include({ cause: 'llm_key_missing' });
      expect(fake.requests).to.have.length(0);
    });
  });

  describe('stream() deadlines and aborts', () => {
    it('times out waiting for the first token (slow headers) and closes the upstream request', async () => {
      fake.reply({ kind: 'stream', delayMs: 10_000, steps: chatSteps(['late']) });
      const { error } = await failure(gateway({ firstTokenTimeoutMs: 50 }).stream(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_TIMEOUT');
      expect(error.details).to.include({ timeout: 'first_token' });
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
    });

    it('times out when the headers come but no content delta does', async () => {
      fake.reply({ kind: 'stream', steps: [{ chunk: chunk({ role: 'assistant' }) }, { raw: ': ping\n\n' }, { hang: true }] });
      const { events, error } = await failure(
        gateway({ firstTokenTimeoutMs: 80, idleTimeoutMs: 10_000 }).stream(request(), new AbortController().signal),
      );
      expect(events).to.deep.equal([]);
      expect(error.code).to.equal('UPSTREAM_TIMEOUT');
      expect(error.details).to.include({ timeout: 'first_token' });
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
    });

    it('times out on silence between chunks and closes the upstream request', async () => {
      fake.reply({ kind: 'stream', steps: [{ chunk: chunk({ content: 'first' }) }, { hang: true }] });
      const { events, error } = await failure(gateway({ idleTimeoutMs: 80 }).stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('first');
      expect(error.code).to.equal('UPSTREAM_TIMEOUT');
      expect(error.details).to.include({ timeout: 'idle' });
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
    });

    it('does not count time the consumer holds an event as upstream silence', async () => {
      fake.reply(streamReply(['a', 'b', 'c']));
      const events: StreamEvent[] = [];
      for await (const e of eachEvent(gateway({ idleTimeoutMs: 40 }).stream(request(), new AbortController().signal))) {
        events.push(e);
        // A slow client: much longer than the idle limit, while all chunks already arrived.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(deltas(events)).to.equal('abc');
    });

    it('stops at the overall limit even while chunks keep coming', async () => {
      const steps: StreamStep[] = [];
      for (let i = 0; i < 1000; i += 1) steps.push({ chunk: chunk({ content: `${i} ` }) }, { delayMs: 10 });
      fake.reply({ kind: 'stream', steps });
      const { events, error } = await failure(
        gateway({ firstTokenTimeoutMs: 5_000, idleTimeoutMs: 5_000, totalTimeoutMs: 150 }).stream(request(), new AbortController().signal),
      );
      expect(events.length).to.be.greaterThan(0);
      expect(error.code).to.equal('UPSTREAM_TIMEOUT');
      expect(error.details).to.include({ timeout: 'total' });
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
    });

    it('closes the upstream connection at once when the caller aborts mid-stream, even between two pulls', async () => {
      fake.reply({ kind: 'stream', steps: [{ chunk: chunk({ content: 'one' }) }, { hang: true }] });
      const controller = new AbortController();
      const iterator = gateway().stream(request(), controller.signal)[Symbol.asyncIterator]();
      expect((await iterator.next()).value).to.deep.equal([{ type: 'delta', content: 'one' }]);
      controller.abort();
      // Not pulling any more: the abort alone must reach the upstream.
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
      const error = await rejection(iterator.next());
      expect(error.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(error.details).to.include({ cancelled: true });
    });

    it('closes the upstream request when the caller aborts before the headers', async () => {
      fake.reply({ kind: 'stream', delayMs: 10_000, steps: chatSteps(['late']) });
      const controller = new AbortController();
      const stream = gateway().stream(request(), controller.signal);
      const pending = failure(stream);
      await eventually(() => fake.requests.length === 1, 'the request to arrive');
      controller.abort();
      const { error } = await pending;
      expect(error.details).to.include({ cancelled: true });
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
    });

    it('fails at once, without a call, for a signal that is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const { error } = await failure(gateway().stream(request(), controller.signal));
      expect(error.details).to.include({ cancelled: true });
    });

    it('closes the upstream connection when the consumer stops iterating early', async () => {
      fake.reply({ kind: 'stream', steps: [{ chunk: chunk({ content: 'one' }) }, { chunk: chunk({ content: 'two' }) }, { hang: true }] });
      for await (const batch of gateway().stream(request(), new AbortController().signal)) {
        expect(batch[0]).to.deep.equal({ type: 'delta', content: 'one' });
        break;
      }
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
      expect(logger.completions()[0]).to.include({ outcome: 'consumer_stopped' });
    });

    it('does not read ahead of the consumer: the upstream is held back by TCP backpressure', async () => {
      const steps: StreamStep[] = [];
      const big = 'x'.repeat(2000);
      for (let i = 0; i < 20_000; i += 1) steps.push({ chunk: chunk({ content: big }) });
      fake.reply({ kind: 'stream', steps });
      const controller = new AbortController();
      const iterator = gateway().stream(request(), controller.signal)[Symbol.asyncIterator]();
      await iterator.next();
      const sent = fake.lastRequest;
      await eventually(() => sent.drainWaits > 0, 'the fake to wait for drain');
      for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(sent.responseEnded, 'the whole 40 MB answer was buffered').to.equal(false);
      controller.abort();
      await sent.closed;
      expect(sent.clientClosedEarly).to.equal(true);
      await rejection(iterator.next());
    });
  });

  describe('complete()', () => {
    it('returns the content, usage and cost of a non-streaming completion', async () => {
      fake.reply(completionReply('Hello there', { usage: usageFor(2, 9), headers: { 'x-litellm-response-cost': '0.0001' } }));
      const completion = await gateway().complete(request({ max_tokens: 20 }), new AbortController().signal);
      expect(completion).to.deep.equal({
        id: 'chatcmpl-fake',
        model: 'gpt-4o-mini',
        content: 'Hello there',
        finish_reason: 'stop',
        usage: usageFor(2, 9),
        cost_usd: 0.0001,
      });
      expect(fake.lastRequest.headers.authorization).to.equal(`Bearer ${USER_KEY}`);
      expect(fake.lastRequest.body).to.include({ stream: false, max_tokens: 20 });
      expect(fake.lastRequest.body).to.not.have.property('stream_options');
    });

    it('translates errors like stream() does', async () => {
      fake.reply(errorReply(401, 'Invalid key', 'auth_error'), errorReply(429, 'slow down', 'rate_limit_error', { 'retry-after': '3' }));
      const rejected = await rejection(gateway().complete(request(), new AbortController().signal));
      expect(rejected.code).to.equal('UPSTREAM_ERROR');
      expect(rejected.details).to.include({ cause: 'llm_key_rejected' });
      const limited = await rejection(gateway().complete(request(), new AbortController().signal));
      expect(limited.code).to.equal('RATE_LIMITED');
      expect(limited.retryAfterSeconds).to.equal(3);
    });

    it('times out with UPSTREAM_TIMEOUT after requestTimeoutMs', async () => {
      fake.reply({ ...completionReply('late'), delayMs: 10_000 });
      // Long enough for the request to reach the fake on a loaded machine, which the last lines check was closed.
      const error = await rejection(gateway({ requestTimeoutMs: 1000 }).complete(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_TIMEOUT');
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
    });

    it('is cancelled by the signal, and the upstream request closed', async () => {
      fake.reply({ ...completionReply('late'), delayMs: 10_000 });
      const controller = new AbortController();
      const pending = rejection(gateway().complete(request(), controller.signal));
      await eventually(() => fake.requests.length === 1, 'the request to arrive');
      controller.abort();
      const error = await pending;
      expect(error.details).to.include({ cancelled: true });
      await fake.lastRequest.closed;
      expect(fake.lastRequest.clientClosedEarly).to.equal(true);
    });
  });

  describe('logging', () => {
    it('logs one line per completion with model, outcome, duration, time to first token and tokens; never the key or the content', async () => {
      fake.reply(streamReply(['secret-content-', 'abc'], { headers: { 'x-litellm-response-cost': '0.5' } }));
      await collect(
        gateway().stream(request({ messages: [{ role: 'user', content: 'private prompt text' }] }), new AbortController().signal),
      );
      const lines = logger.completions();
      expect(lines).to.have.length(1);
      expect(logger.entries.find((e) => e.msg === 'llm completion')?.level, "the request's own line is the one at info").to.equal('debug');
      expect(lines[0]).to.include({
        upstream: 'litellm',
        operation: 'chat_stream',
        model: 'gpt-4o-mini',
        outcome: 'completed',
        prompt_tokens: 12,
        completion_tokens: 2,
        cost_usd: 0.5,
        request_id: 'req-1',
      });
      expect(lines[0]?.duration_ms).to.be.a('number');
      expect(lines[0]?.ttft_ms).to.be.a('number');
      const everything = JSON.stringify(logger.entries);
      expect(everything).to.not.include(USER_KEY);
      expect(everything).to.not.include('secret-content');
      expect(everything).to.not.include('private prompt text');
    });

    it('logs a failed stream as a warning with its error code', async () => {
      fake.reply({ kind: 'stream', steps: [{ chunk: chunk({ content: 'x' }) }, { destroy: true }] });
      await failure(gateway().stream(request(), new AbortController().signal));
      const line = logger.entries.find((e) => e.msg === 'llm completion');
      expect(line?.level).to.equal('warn');
      expect(line?.fields).to.include({ outcome: 'upstream_error', error_code: 'UPSTREAM_ERROR' });
    });
  });

  describe('the fake LiteLLM itself (reused by the route tests and the benchmark)', () => {
    it('serves pre-serialised fast streams, at once or spaced, with usage and cost', async () => {
      fake.reply(
        { kind: 'fast', tokens: 50, costUsd: 0.25 },
        { kind: 'fast', tokens: 5, token: 'ab', tokenSpacingMs: 1, firstTokenDelayMs: 1 },
      );
      const gw = gateway();
      const burst = await collect(gw.stream(request(), new AbortController().signal));
      expect(burst.filter((e) => e.type === 'delta')).to.have.length(50);
      expect(burst.at(-1)).to.deep.equal({ type: 'usage', usage: usageFor(50), cost_usd: 0.25 });
      const spaced = await collect(gw.stream(request(), new AbortController().signal));
      expect(deltas(spaced)).to.equal('ababababab');
    });

    it('answers the liveliness probe and echoes the last user message by default', async () => {
      const live = await fetch(`${fake.baseUrl}/health/liveliness`);
      expect(live.status).to.equal(200);
      expect(await live.json()).to.equal("I'm alive!");
      const events = await collect(gateway().stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('Echo: Say hello');
      const completion = await gateway().complete(request(), new AbortController().signal);
      expect(completion.content).to.equal('Echo: Say hello');
    });
  });

  describe('with nock (failures a real server cannot easily make)', () => {
    const host = 'http://litellm.nock.test';
    useNock();

    it('turns a connection error before any answer into UPSTREAM_UNAVAILABLE', async () => {
      nock(host).post('/chat/completions').replyWithError('socket hang up');
      const { error } = await failure(gateway({ baseUrl: host }).stream(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_UNAVAILABLE');
      expect(error.details).to.include({ upstream: 'litellm' });
    });

    it('turns an HTML 502 from a load balancer into UPSTREAM_ERROR', async () => {
      nock(host).post('/chat/completions').reply(502, '<html><body>Bad Gateway</body></html>', { 'Content-Type': 'text/html' });
      const error = await rejection(gateway({ baseUrl: host }).complete(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_ERROR');
      expect(error.details).to.include({ status: 502 });
    });

    it('turns a 200 that is not a completion into UPSTREAM_CONTRACT', async () => {
      nock(host).post('/chat/completions').reply(200, { object: 'list', data: [] });
      const error = await rejection(gateway({ baseUrl: host }).complete(request(), new AbortController().signal));
      expect(error.code).to.equal('UPSTREAM_CONTRACT');
    });

    it('reads an error sent as an SSE event named error', async () => {
      nock(host)
        .post('/chat/completions')
        .reply(
          200,
          `data: ${JSON.stringify(chunk({ content: 'a' }))}\n\nevent: error\ndata: {"message":"context window exceeded","type":"invalid_request_error"}\n\n`,
          {
            'Content-Type': 'text/event-stream',
          },
        );
      const { events, error } = await failure(gateway({ baseUrl: host }).stream(request(), new AbortController().signal));
      expect(deltas(events)).to.equal('a');
      expect(error.code).to.equal('UPSTREAM_ERROR');
      expect(error.details).to.include({ upstream_message: 'context window exceeded' });
    });
  });
});
