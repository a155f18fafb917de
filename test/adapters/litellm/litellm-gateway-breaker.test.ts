import { expect } from 'chai';
import { LiteLlmGateway, type LiteLlmGatewayOptions } from '../../../src/adapters/litellm/litellm-llm-gateway';
import { AppError } from '../../../src/domain/errors/app-error';
import type { CompletionRequest, StreamEvent } from '../../../src/ports/llm-gateway.port';
import { FakeClock } from '../../fakes/fake-clock';
import { chatSteps, chunk, errorReply, FakeLiteLlmServer, streamReply } from '../../fakes/fake-litellm-server';
import { useRealHttp } from '../../support/real-http';
import { RecordingLogger } from '../http/upstream-test-kit';

const OPEN_MS = 10_000;

const REQUEST: CompletionRequest = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello' }],
  apiKey: 'sk-user-virtual-key-0123456789',
  requestId: 'req-breaker',
};

/** How a stream ended: its error code, or `completed`. */
async function outcome(stream: AsyncIterable<StreamEvent[]>): Promise<string> {
  try {
    for await (const _ of stream);
    return 'completed';
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(AppError);
    return (err as AppError).code;
  }
}

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * The circuit breaker as the chat path drives it, over real HTTP: the breaker's time is a fake
 * clock (the open period passes when the test says so), the stream deadlines are real and short.
 */
describe('LiteLlmGateway circuit breaker (cancelled, timed-out and late calls)', () => {
  useRealHttp();
  let fake: FakeLiteLlmServer;
  let clock: FakeClock;

  before(async () => {
    fake = await FakeLiteLlmServer.start();
  });
  after(async () => fake.close());
  beforeEach(() => {
    fake.reset();
    clock = new FakeClock();
  });

  function gateway(overrides: Partial<LiteLlmGatewayOptions> = {}): LiteLlmGateway {
    return new LiteLlmGateway(
      {
        baseUrl: fake.baseUrl,
        poolSize: 4,
        firstTokenTimeoutMs: 5_000,
        idleTimeoutMs: 5_000,
        totalTimeoutMs: 15_000,
        failureThreshold: 2,
        openMs: OPEN_MS,
        ...overrides,
      },
      clock,
      new RecordingLogger(),
    );
  }

  /** Waits until LiteLLM has received `n` requests since the reset. */
  async function untilRequests(n: number): Promise<void> {
    for (let i = 0; i < 1000 && fake.requests.length < n; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fake.requests.length, `requests that reached LiteLLM`).to.be.at.least(n);
  }

  const stateOf = (gw: LiteLlmGateway): string => (gw as unknown as { client: { breaker: { state: string } } }).client.breaker.state;

  /** One non-streamed call answered with a 5xx (no stream deadline applies to it): a failure. */
  async function failOnce(gw: LiteLlmGateway): Promise<void> {
    fake.reply(errorReply(500, 'down', 'internal_server_error'));
    const err = await gw.complete(REQUEST, new AbortController().signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as AppError).code).to.equal('UPSTREAM_ERROR');
  }

  /** Two 5xx open the circuit; then the open period passes, so the next call is the probe. */
  async function tripAndWait(gw: LiteLlmGateway): Promise<void> {
    await failOnce(gw);
    await failOnce(gw);
    expect(stateOf(gw)).to.equal('open');
    clock.advanceMs(OPEN_MS);
  }

  it('reopens when the probe hits the first-token deadline before any header (a hung LiteLLM is not let back in)', async () => {
    const gw = gateway({ firstTokenTimeoutMs: 50 });
    await tripAndWait(gw);
    const hung = gate();
    fake.reply({ kind: 'stream', headersGate: hung.promise, steps: chatSteps(['late']) });
    expect(await outcome(gw.stream(REQUEST, new AbortController().signal))).to.equal('UPSTREAM_TIMEOUT');
    hung.open();
    expect(stateOf(gw)).to.equal('open');
    const requestsBefore = fake.requests.length;
    expect(await outcome(gw.stream(REQUEST, new AbortController().signal))).to.equal('UPSTREAM_UNAVAILABLE');
    expect(fake.requests, 'no call while open').to.have.length(requestsBefore);
  });

  it('reopens when the probe gets its headers but no first token in time', async () => {
    const gw = gateway({ firstTokenTimeoutMs: 100 });
    await tripAndWait(gw);
    fake.reply({ kind: 'stream', steps: [{ chunk: chunk({ role: 'assistant' }) }, { hang: true }] });
    expect(await outcome(gw.stream(REQUEST, new AbortController().signal))).to.equal('UPSTREAM_TIMEOUT');
    expect(stateOf(gw)).to.equal('open');
  });

  it('closes once the probe streams its first token', async () => {
    const gw = gateway();
    await tripAndWait(gw);
    fake.reply(streamReply(['hello']));
    expect(await outcome(gw.stream(REQUEST, new AbortController().signal))).to.equal('completed');
    expect(stateOf(gw)).to.equal('closed');
  });

  it('gives the probe slot back when the client cancels the probe before its headers, and stays half-open', async () => {
    const gw = gateway();
    await tripAndWait(gw);
    const never = gate();
    fake.reply({ kind: 'stream', headersGate: never.promise, steps: chatSteps(['unused']) });
    const controller = new AbortController();
    const probe = outcome(gw.stream(REQUEST, controller.signal));
    await untilRequests(3);
    controller.abort();
    expect(await probe).to.equal('UPSTREAM_UNAVAILABLE');
    never.open();
    expect(stateOf(gw)).to.equal('half_open');
    // The next call is the probe now, and it is let through.
    fake.reply(streamReply(['back']));
    expect(await outcome(gw.stream(REQUEST, new AbortController().signal))).to.equal('completed');
    expect(stateOf(gw)).to.equal('closed');
  });

  it('gives the probe slot back when the consumer stops a probe stream that has not sent a token', async () => {
    const gw = gateway();
    await tripAndWait(gw);
    fake.reply({ kind: 'stream', steps: [{ chunk: chunk({ role: 'assistant' }) }, { hang: true }] });
    const controller = new AbortController();
    const probe = outcome(gw.stream(REQUEST, controller.signal));
    await untilRequests(3);
    controller.abort();
    expect(await probe).to.equal('UPSTREAM_UNAVAILABLE');
    expect(stateOf(gw)).to.equal('half_open');
  });

  it('does not let a stream that began before the trip close the open circuit when its headers come late', async () => {
    const gw = gateway();
    const slowHeaders = gate();
    fake.reply({ kind: 'stream', headersGate: slowHeaders.promise, steps: chatSteps(['slow']) });
    const slow = outcome(gw.stream(REQUEST, new AbortController().signal));
    await untilRequests(1);
    await failOnce(gw);
    await failOnce(gw);
    expect(stateOf(gw)).to.equal('open');
    slowHeaders.open();
    expect(await slow).to.equal('completed');
    expect(stateOf(gw)).to.equal('open');
  });

  it('does not let such a late stream free the probe slot while the probe still runs', async () => {
    const gw = gateway();
    const slowHeaders = gate();
    fake.reply({ kind: 'stream', headersGate: slowHeaders.promise, steps: chatSteps(['slow']) });
    const slow = outcome(gw.stream(REQUEST, new AbortController().signal));
    await untilRequests(1);
    await tripAndWait(gw);
    const probeHeaders = gate();
    fake.reply({ kind: 'stream', headersGate: probeHeaders.promise, steps: chatSteps(['probe']) });
    const probe = outcome(gw.stream(REQUEST, new AbortController().signal));
    await untilRequests(4);
    slowHeaders.open();
    expect(await slow).to.equal('completed');
    expect(stateOf(gw)).to.equal('half_open');
    const requestsBefore = fake.requests.length;
    expect(await outcome(gw.stream(REQUEST, new AbortController().signal)), 'the probe slot is still taken').to.equal(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(fake.requests).to.have.length(requestsBefore);
    probeHeaders.open();
    expect(await probe).to.equal('completed');
    expect(stateOf(gw)).to.equal('closed');
  });
});
