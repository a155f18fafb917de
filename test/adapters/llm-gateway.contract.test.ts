import { LiteLlmGateway } from '../../src/adapters/litellm/litellm-llm-gateway';
import { LocalEchoLlmGateway } from '../../src/adapters/memory/local-echo-llm-gateway';
import { SystemClock } from '../../src/adapters/system/system-clock';
import type { CompletionRequest } from '../../src/ports/llm-gateway.port';
import { describeLlmGatewayContract } from '../contracts/llm-gateway.contract';
import { chunk, errorReply, FakeLiteLlmServer } from '../fakes/fake-litellm-server';
import { FAIL_MID_STREAM, HANG_AFTER_FIRST, ScriptedLlmGateway } from '../fakes/scripted-llm-gateway';
import { RecordingLogger } from '../support/recording-logger';
import { useRealHttp } from '../support/real-http';

function request(model: string, text: string): CompletionRequest {
  return { model, messages: [{ role: 'user', content: text }], apiKey: 'sk-user-contract-key', requestId: 'contract' };
}

describe('LlmGateway adapters', () => {
  describe('LiteLLM over its fake server', () => {
    useRealHttp();
    let fake: FakeLiteLlmServer;
    before(async () => {
      fake = await FakeLiteLlmServer.start();
    });
    after(async () => fake.close());
    beforeEach(() => fake.reset());

    const gateway = () =>
      new LiteLlmGateway(
        { baseUrl: fake.baseUrl, poolSize: 4, firstTokenTimeoutMs: 10_000, idleTimeoutMs: 10_000, totalTimeoutMs: 20_000 },
        new SystemClock(),
        new RecordingLogger(),
      );

    describeLlmGatewayContract('LiteLlmGateway', () => ({
      // The fake answers `Echo: <last user message>`, streamed word by word or at once.
      answers: (text) => ({ gateway: gateway(), request: request('gpt-4o-mini', text) }),
      refused: () => {
        fake.reply(
          errorReply(400, 'Budget has been exceeded! Current cost: 5, Max budget: 5', 'budget_exceeded'),
          errorReply(400, 'Budget has been exceeded! Current cost: 5, Max budget: 5', 'budget_exceeded'),
        );
        return { gateway: gateway(), request: request('gpt-4o-mini', 'refused') };
      },
      waitsAfterFirstDelta: () => {
        fake.reply({
          kind: 'stream',
          steps: [{ chunk: chunk({ role: 'assistant' }) }, { chunk: chunk({ content: 'Waiting' }) }, { hang: true }],
        });
        return { gateway: gateway(), request: request('gpt-4o-mini', 'wait') };
      },
      failsMidStream: () => {
        fake.reply({
          kind: 'stream',
          steps: [{ chunk: chunk({ content: 'Half' }) }, { error: { message: 'provider failed', type: 'api_error', code: '500' } }],
        });
        return { gateway: gateway(), request: request('gpt-4o-mini', 'fail') };
      },
    }));
  });

  describeLlmGatewayContract('the local models (local/echo)', () => ({
    answers: (text) => ({ gateway: new LocalEchoLlmGateway({ tokenDelayMs: 0 }), request: request('local/echo', text) }),
    refused: () => ({ gateway: new LocalEchoLlmGateway({ tokenDelayMs: 0 }), request: request('gpt-4o', 'not a local model') }),
    // A long pause before each token: after the first one, the model is waiting when the abort comes.
    waitsAfterFirstDelta: () => ({ gateway: new SlowAfterFirst(), request: request('local/echo', 'one two three') }),
  }));

  describeLlmGatewayContract('the local models (local/lorem)', () => ({
    answers: () => ({ gateway: new LocalEchoLlmGateway({ tokenDelayMs: 0 }), request: request('local/lorem', 'anything') }),
    refused: () => ({ gateway: new LocalEchoLlmGateway({ tokenDelayMs: 0 }), request: request('local/unknown', 'x') }),
    waitsAfterFirstDelta: () => ({ gateway: new SlowAfterFirst(), request: request('local/lorem', 'anything') }),
  }));

  describeLlmGatewayContract('the scripted test gateway', () => ({
    answers: (text) => ({ gateway: new ScriptedLlmGateway(), request: request('scripted', text) }),
    refused: () => ({ gateway: new ScriptedLlmGateway(), request: request(ScriptedLlmGateway.REFUSED_MODEL, 'x') }),
    waitsAfterFirstDelta: () => ({ gateway: new ScriptedLlmGateway(), request: request('scripted', HANG_AFTER_FIRST) }),
    failsMidStream: () => ({ gateway: new ScriptedLlmGateway(), request: request('scripted', FAIL_MID_STREAM) }),
  }));
});

/** The local gateway with its per-token pause, only from the second token: the first arrives at once. */
class SlowAfterFirst extends LocalEchoLlmGateway {
  private readonly slow = new LocalEchoLlmGateway({ tokenDelayMs: 60_000 });

  override async *stream(req: CompletionRequest, signal: AbortSignal) {
    let first = true;
    const fast = new LocalEchoLlmGateway({ tokenDelayMs: 0 });
    for await (const batch of fast.stream(req, signal)) {
      if (!first) break;
      first = false;
      yield batch;
    }
    yield* this.slow.stream(req, signal);
  }
}
