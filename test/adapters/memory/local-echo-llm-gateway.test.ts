import { expect } from 'chai';
import { LOCAL_MODEL_IDS, LOCAL_MODELS, LocalEchoLlmGateway, isLocalModel } from '../../../src/adapters/memory/local-echo-llm-gateway';
import { AppError } from '../../../src/domain/errors/app-error';
import type { CompletionRequest, StreamEvent } from '../../../src/ports/llm-gateway.port';
import { eachEvent } from '../../support/async';

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    model: 'local/echo',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'Hello,  wide\nworld' },
    ],
    apiKey: 'unused',
    ...overrides,
  };
}

async function collect(stream: AsyncIterable<StreamEvent[]>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of eachEvent(stream)) events.push(e);
  return events;
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

const text = (events: StreamEvent[]) => events.map((e) => (e.type === 'delta' ? e.content : '')).join('');

describe('LocalEchoLlmGateway', () => {
  const open = () => new AbortController().signal;

  it('streams "Echo: <last user message>" word by word, then finish and deterministic usage', async () => {
    const events = await collect(new LocalEchoLlmGateway({ tokenDelayMs: 0 }).stream(request(), open()));
    expect(events.filter((e) => e.type === 'delta').map((e) => (e as { content: string }).content)).to.deep.equal([
      'Echo:',
      ' Hello,',
      '  wide',
      '\nworld',
    ]);
    expect(text(events)).to.equal('Echo: Hello,  wide\nworld');
    expect(events.at(-2)).to.deep.equal({ type: 'finish', finish_reason: 'stop' });
    // Prompt: one per word plus one per message (3 + 3 + 3 + 4); completion: one per delta.
    expect(events.at(-1)).to.deep.equal({
      type: 'usage',
      usage: { prompt_tokens: 13, completion_tokens: 4, total_tokens: 17 },
      cost_usd: 0,
    });
  });

  it('gives the same reply every time', async () => {
    const gw = new LocalEchoLlmGateway({ tokenDelayMs: 0 });
    expect(await collect(gw.stream(request(), open()))).to.deep.equal(await collect(gw.stream(request(), open())));
  });

  it('says so when there is nothing to echo', async () => {
    const events = await collect(
      new LocalEchoLlmGateway({ tokenDelayMs: 0 }).stream(request({ messages: [{ role: 'user', content: '  ' }] }), open()),
    );
    expect(text(events)).to.equal('Echo: (empty message)');
  });

  it('cuts the reply at max_tokens with finish_reason "length"', async () => {
    const events = await collect(new LocalEchoLlmGateway({ tokenDelayMs: 0 }).stream(request({ max_tokens: 2 }), open()));
    expect(text(events)).to.equal('Echo: Hello,');
    expect(events).to.deep.include({ type: 'finish', finish_reason: 'length' });
  });

  it('local/lorem streams as many tokens as max_tokens asks for', async () => {
    const events = await collect(
      new LocalEchoLlmGateway({ tokenDelayMs: 0 }).stream(request({ model: 'local/lorem', max_tokens: 150 }), open()),
    );
    const deltas = events.filter((e) => e.type === 'delta');
    expect(deltas).to.have.length(150);
    expect(text(events)).to.match(/^Lorem ipsum dolor sit amet,/);
    expect(text(events)).to.not.match(/\S(Lorem)/, 'words stay separated when the text starts over');
    expect(events.at(-1)).to.deep.include({ type: 'usage' });
  });

  it('complete() returns the same text at once', async () => {
    const gw = new LocalEchoLlmGateway();
    const completion = await gw.complete(request(), open());
    expect(completion).to.include({ model: 'local/echo', content: 'Echo: Hello,  wide\nworld', finish_reason: 'stop', cost_usd: 0 });
    expect(completion.usage).to.deep.equal({ prompt_tokens: 13, completion_tokens: 4, total_tokens: 17 });
    expect(completion.id).to.match(/^chatcmpl-local-\d+$/);
  });

  it('refuses an unknown model with MODEL_NOT_ALLOWED and lists the local models', async () => {
    const gw = new LocalEchoLlmGateway({ tokenDelayMs: 0 });
    const streamed = await rejection(collect(gw.stream(request({ model: 'gpt-4o' }), open())));
    expect(streamed.code).to.equal('MODEL_NOT_ALLOWED');
    expect(streamed.details).to.deep.equal({ model: 'gpt-4o', available_models: ['local/echo', 'local/lorem'] });
    const completed = await rejection(gw.complete(request({ model: 'gpt-4o' }), open()));
    expect(completed.code).to.equal('MODEL_NOT_ALLOWED');
  });

  it('stops at once when aborted during a token delay', async () => {
    // A delay no test would wait for: only the abort can end this stream.
    const gw = new LocalEchoLlmGateway({ tokenDelayMs: 600_000 });
    const controller = new AbortController();
    const pending = rejection(collect(gw.stream(request(), controller.signal)));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await pending;
    expect(error.code).to.equal('UPSTREAM_UNAVAILABLE');
    expect(error.details).to.include({ cancelled: true });
  });

  it('stops between tokens when aborted mid-stream without delay', async () => {
    const controller = new AbortController();
    const iterator = new LocalEchoLlmGateway({ tokenDelayMs: 0 }).stream(request(), controller.signal)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).to.deep.equal([{ type: 'delta', content: 'Echo:' }]);
    controller.abort();
    const error = await rejection(iterator.next());
    expect(error.details).to.include({ cancelled: true });
  });

  it('complete() honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(new LocalEchoLlmGateway().complete(request(), controller.signal));
    expect(error.details).to.include({ cancelled: true });
  });

  it('exports its model ids and catalogue entries', () => {
    expect(LOCAL_MODEL_IDS).to.deep.equal(['local/echo', 'local/lorem']);
    expect(LOCAL_MODELS.map((m) => m.id)).to.deep.equal([...LOCAL_MODEL_IDS]);
    expect(LOCAL_MODELS[0]).to.deep.include({ provider: 'local', mode: 'chat' });
    expect(LOCAL_MODELS[0]?.pricing).to.deep.equal({ input_per_1m: 0, output_per_1m: 0, currency: 'USD' });
    expect(isLocalModel('local/echo')).to.equal(true);
    expect(isLocalModel('gpt-4o')).to.equal(false);
  });
});
