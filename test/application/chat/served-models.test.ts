import 'reflect-metadata';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { MemoryCache } from '../../../src/adapters/memory/memory-cache';
import { CachedReader } from '../../../src/application/cache/cached-reader';
import { ALLOWED_MODELS_CACHE_KIND, ServedModels, UNREADABLE_ALLOWED_MODELS_MS } from '../../../src/application/chat/served-models';
import { ModelCatalogReader } from '../../../src/application/models/model-catalog-reader';
import { AppError, isAppError } from '../../../src/domain/errors/app-error';
import type { UserContext } from '../../../src/domain/user/user-context';
import { CountingCacheObserver } from '../../fakes/counting-cache-observer';
import { FakeClock } from '../../fakes/fake-clock';
import { model, ScriptedModelSource } from '../../fakes/scripted-model-source';
import { rejectionOf } from '../../support/async';
import { LogCollector } from '../../support/log-collector';

/** A source whose `/models` fails (a proxy without it, a refused key, an outage) until told otherwise. */
class UnreadableKeys extends ScriptedModelSource {
  allowedCalls = 0;
  allowed: string[] | undefined;

  override async fetchAllowedModelIds(): Promise<string[]> {
    this.allowedCalls += 1;
    if (!this.allowed) throw new AppError('UPSTREAM_ERROR', 'LiteLLM answered 404', { details: { upstream: 'litellm' } });
    return this.allowed;
  }
}

const user = { userId: '11111111-1111-4111-8111-111111111111', token: 't', requestId: 'r' } as unknown as UserContext;

function setup() {
  const clock = new FakeClock();
  const logger = createLogger('test', { level: 'info', stream: new LogCollector(), secrets: [] });
  const local = new MemoryCache(clock);
  const kinds = { models: { ttlSeconds: 3600 }, models_last_good: { ttlSeconds: 86400 }, [ALLOWED_MODELS_CACHE_KIND]: { ttlSeconds: 300 } };
  const cache = new CachedReader(local, local, { kinds, sharedTimeoutMs: 100, retryDownMs: 0 }, new CountingCacheObserver(), clock, logger);
  const source = new UnreadableKeys([model('gpt-4o'), model('openai/*')]);
  const served = new ServedModels(new ModelCatalogReader(source, cache, clock, logger), source, cache, clock);
  return { clock, source, served };
}

describe('ServedModels: which models a turn may use', () => {
  it('lets the proxy decide while a user’s list cannot be read, asking again only after a pause', async () => {
    const s = setup();
    await s.served.ensureAllowed(user, 'sk-key', 'gpt-4o');
    await s.served.ensureAllowed(user, 'sk-key', 'gpt-4o');
    expect(s.source.allowedCalls, 'a failing list is not asked for on every turn').to.equal(1);
    s.clock.advanceMs(UNREADABLE_ALLOWED_MODELS_MS - 1);
    await s.served.ensureAllowed(user, 'sk-key', 'gpt-4o');
    expect(s.source.allowedCalls).to.equal(1);

    s.source.allowed = ['gpt-4o'];
    s.clock.advanceMs(1);
    await s.served.ensureAllowed(user, 'sk-key', 'gpt-4o');
    expect(s.source.allowedCalls).to.equal(2);
    const error = await rejectionOf(s.served.ensureAllowed(user, 'sk-key', 'openai/gpt-4o-mini'));
    expect(isAppError(error) && error.code).to.equal('MODEL_NOT_ALLOWED');
  });

  it('refuses a model the deployment does not serve, whatever the key allows; a wildcard route covers its prefix', async () => {
    const s = setup();
    s.source.allowed = [];
    const error = await rejectionOf(s.served.ensureAllowed(user, 'sk-key', 'claude-3'));
    expect(isAppError(error) && error.code).to.equal('MODEL_NOT_ALLOWED');
    await s.served.ensureAllowed(user, 'sk-key', 'openai/gpt-4o-mini');
  });
});
