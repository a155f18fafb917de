import { expect } from 'chai';
import sinon from 'sinon';
import { buildContainer, RESOURCES } from '../../src/composition-root';
import { LLM_GATEWAY } from '../../src/ports/llm-gateway.port';
import { MODEL_CATALOG_SOURCE } from '../../src/ports/model-catalog.port';
import { TURN_LISTENERS } from '../../src/application/chat/chat-turn';
import { ConversationActivityCache, InvalidateActivityOnTurn } from '../../src/application/conversations/conversation-activity-cache';
import { GetUsage } from '../../src/application/user/get-usage.use-case';
import { CLOCK, type Clock } from '../../src/ports/clock.port';
import { CONVERSATION_STORE } from '../../src/ports/conversation-store.port';
import { LOGGER, type Logger } from '../../src/ports/logger.port';
import { token } from '../../src/ports/token';
import { appErrorOf } from '../support/expect-rejection';
import { LogCollector } from '../support/log-collector';
import { testConfig } from '../support/test-config';

describe('composition root', () => {
  const build = () => buildContainer(testConfig(), { logStream: new LogCollector() });

  it('gives the turn listener the same activity cache as the routes: a finished turn drops what the routes cached', async () => {
    const container = build();
    const cache = container.resolve(ConversationActivityCache);
    expect(container.resolve(ConversationActivityCache)).to.equal(cache);
    const invalidate = sinon.spy(cache, 'invalidate');
    const listener = container.resolve(TURN_LISTENERS).find((l) => l instanceof InvalidateActivityOnTurn);
    expect(listener, 'an activity listener is registered').to.not.equal(undefined);
    await listener!.onTurnFinished('11111111-1111-4111-8111-111111111111');
    expect(invalidate.calledOnceWith('11111111-1111-4111-8111-111111111111')).to.equal(true);
  });

  it('registers the use cases as singletons, so a route and a listener never hold two copies', () => {
    const container = build();
    expect(container.resolve(GetUsage)).to.equal(container.resolve(GetUsage));
    expect(container.resolve(TURN_LISTENERS)).to.equal(container.resolve(TURN_LISTENERS));
    expect(container.resolve(CONVERSATION_STORE)).to.equal(container.resolve(CONVERSATION_STORE));
  });

  it('gives every call a fresh container: no singleton is shared between two', () => {
    expect(build().resolve(ConversationActivityCache)).to.not.equal(build().resolve(ConversationActivityCache));
  });
});

describe('token<T>()', () => {
  it('is a distinct symbol per call, resolved with its type and no cast', () => {
    const a = token<Clock>('Same');
    const b = token<Clock>('Same');
    expect(typeof a).to.equal('symbol');
    expect(a).to.not.equal(b);
    const clock: Clock = build().resolve(CLOCK);
    expect(clock.nowMs()).to.be.a('number');
    // Type checks, proven by the build: a wrong type is a compile error, not a runtime surprise.
    // @ts-expect-error a Clock is not a Logger
    const wrong: Logger = build().resolve(CLOCK);
    expect(wrong).to.not.equal(undefined);
  });

  function build() {
    return buildContainer(testConfig(), { logStream: new LogCollector() });
  }
});

describe('one client per upstream', () => {
  it('gives the chat gateway and the model catalogue one LiteLLM client: failed chat calls open the circuit for the catalogue too', async () => {
    // Nothing listens on port 1: every call fails at once with a refused connection.
    const container = buildContainer(testConfig({ LITELLM_URL: 'http://127.0.0.1:1', LITELLM_MASTER_KEY: 'sk-master' }), {
      logStream: new LogCollector(),
    });
    try {
      const gateway = container.resolve(LLM_GATEWAY);
      const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }], apiKey: 'sk-user' };
      for (let i = 0; i < 5; i += 1) {
        await appErrorOf(gateway.complete(request, new AbortController().signal), 'UPSTREAM_UNAVAILABLE');
      }
      const error = await appErrorOf(container.resolve(MODEL_CATALOG_SOURCE).fetchCatalog(), 'UPSTREAM_UNAVAILABLE');
      expect(error.message).to.contain('circuit open');
    } finally {
      await container.resolve(RESOURCES).closeAll(container.resolve(LOGGER));
    }
  });
});
