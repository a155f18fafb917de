import 'reflect-metadata';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { MemoryCache } from '../../../src/adapters/memory/memory-cache';
import { CachedReader } from '../../../src/application/cache/cached-reader';
import { GetModel } from '../../../src/application/models/get-model.use-case';
import { ListModels } from '../../../src/application/models/list-models.use-case';
import { CATALOG_HOT_COPY_MS, ModelCatalogReader } from '../../../src/application/models/model-catalog-reader';
import { isAppError } from '../../../src/domain/errors/app-error';
import type { Cache } from '../../../src/ports/cache.port';
import { CountingCacheObserver } from '../../fakes/counting-cache-observer';
import { FakeClock } from '../../fakes/fake-clock';
import { model, ScriptedModelSource } from '../../fakes/scripted-model-source';
import { rejectionOf } from '../../support/async';
import { LogCollector } from '../../support/log-collector';

const KINDS = { models: { ttlSeconds: 3600 }, models_last_good: { ttlSeconds: 7 * 24 * 3600 } };
const STALE = 'model catalogue source unavailable; serving the last good copy';

function catalogue() {
  return [
    model('gpt-4o', { provider: 'openai', capabilities: { function_calling: true, vision: true } }),
    model('openai/gpt-4o-mini', { provider: 'openai' }),
    model('anthropic/claude-3-5-sonnet', { provider: 'anthropic' }),
    model('Mixed.Case', { provider: 'local' }),
  ];
}

function setup(options: { shared?: Cache; clock?: FakeClock; source?: ScriptedModelSource } = {}) {
  const clock = options.clock ?? new FakeClock();
  const logs = new LogCollector();
  const logger = createLogger('test', { level: 'info', stream: logs, secrets: [] });
  const local = new MemoryCache(clock);
  const cache = new CachedReader(
    options.shared ?? local,
    local,
    { kinds: KINDS, sharedTimeoutMs: 100, retryDownMs: 0 },
    new CountingCacheObserver(),
    clock,
    logger,
  );
  const source = options.source ?? new ScriptedModelSource(catalogue());
  const reader = new ModelCatalogReader(source, cache, clock, logger);
  return { clock, logs, source, reader, list: new ListModels(reader), get: new GetModel(reader) };
}

describe('Model catalogue use cases', () => {
  it('fetches the catalogue once per TTL (1 h)', async () => {
    const s = setup();
    const first = await s.list.execute({});
    expect(first.stale).to.equal(false);
    expect(first.fetched_at).to.equal(s.clock.now().toISOString());
    s.clock.advanceSeconds(3599);
    await s.list.execute({});
    await s.get.execute('gpt-4o');
    expect(s.source.fetches).to.equal(1);
    s.clock.advanceSeconds(1);
    await s.list.execute({});
    expect(s.source.fetches).to.equal(2);
  });

  it('keeps the catalogue it read for a few seconds, frozen, and never past the cached copy', async () => {
    const clock = new FakeClock();
    const shared = new MemoryCache(clock);
    let reads = 0;
    const counting: Cache = Object.assign(Object.create(shared) as Cache, {
      get: (key: string) => {
        reads += 1;
        return shared.get(key);
      },
    });
    const s = setup({ shared: counting, clock });
    const first = await s.list.execute({});
    const readsAfterLoad = reads;
    clock.advanceMs(CATALOG_HOT_COPY_MS - 1);
    const again = await s.list.execute({});
    expect(reads, 'read from the cache again within the hot window').to.equal(readsAfterLoad);
    // The same query on the same snapshot is the same list: the HTTP layer keeps its bytes by identity.
    expect(again).to.equal(first);
    expect(Object.isFrozen(again.items[0])).to.equal(true);
    clock.advanceMs(1);
    await s.list.execute({});
    expect(reads).to.equal(readsAfterLoad + 1);
    // Near the end of the TTL the copy lives only as long as the cached one: the next read reloads.
    clock.advanceSeconds(3600 - 6);
    await s.list.execute({});
    clock.advanceSeconds(1);
    await s.list.execute({});
    expect(s.source.fetches).to.equal(2);
  });

  it('serves the last good catalogue, marked stale, while the source is down after the TTL; logs it once', async () => {
    const s = setup();
    const fetchedAt = (await s.list.execute({})).fetched_at;
    s.clock.advanceSeconds(3 * 3600);
    s.source.down = true;
    s.source.models = [];
    for (let i = 0; i < 3; i += 1) {
      const list = await s.list.execute({});
      expect(list).to.include({ stale: true, fetched_at: fetchedAt });
      expect(list.items).to.have.length(4);
    }
    expect((await s.get.execute('anthropic/claude-3-5-sonnet')).stale).to.equal(true);
    expect(s.logs.records().filter((r) => r.msg === STALE)).to.have.length(1);

    s.source.down = false;
    s.source.models = [model('new-model', { provider: 'openai' })];
    const fresh = await s.list.execute({});
    expect(fresh.stale).to.equal(false);
    expect(fresh.items.map((m) => m.id)).to.deep.equal(['new-model']);
    expect(s.logs.records().filter((r) => r.msg === 'model catalogue source available again')).to.have.length(1);
  });

  it('finds the last good copy in the shared cache when this replica never fetched one', async () => {
    const shared = new MemoryCache(new FakeClock());
    const clock = new FakeClock();
    const replicaA = setup({ shared, clock });
    await replicaA.list.execute({});
    clock.advanceSeconds(2 * 3600);
    // The shared MemoryCache has its own clock: expire the live copy there by hand.
    await shared.delete('models:catalog');
    const down = new ScriptedModelSource([]);
    down.down = true;
    const replicaB = setup({ shared, clock, source: down });
    const list = await replicaB.list.execute({});
    expect(list.stale).to.equal(true);
    expect(list.items.map((m) => m.id)).to.include('gpt-4o');
  });

  it('passes the error on when there is no catalogue at all', async () => {
    const source = new ScriptedModelSource([]);
    source.down = true;
    const error = await rejectionOf(setup({ source }).list.execute({}));
    expect(isAppError(error) && error.code).to.equal('UPSTREAM_UNAVAILABLE');
  });

  it("lists a provider's models, and calls an unknown provider NOT_FOUND with the known ones", async () => {
    const s = setup();
    const list = await s.list.execute({ provider: 'OPENAI' }, { providerMustExist: true });
    expect(list.items.map((m) => m.id)).to.deep.equal(['gpt-4o', 'openai/gpt-4o-mini']);
    const error = await rejectionOf(s.list.execute({ provider: 'nobody' }, { providerMustExist: true }));
    expect(isAppError(error) && error.code).to.equal('NOT_FOUND');
    expect(isAppError(error) && error.details).to.deep.equal({ providers: ['anthropic', 'local', 'openai'] });
    // As a plain filter, an unknown provider is just an empty list.
    expect((await s.list.execute({ provider: 'nobody' })).items).to.deep.equal([]);
  });

  it('gets one model by exact id, then case-insensitively, else NOT_FOUND', async () => {
    const s = setup();
    expect((await s.get.execute('openai/gpt-4o-mini')).model.id).to.equal('openai/gpt-4o-mini');
    expect((await s.get.execute('mixed.case')).model.id).to.equal('Mixed.Case');
    const error = await rejectionOf(s.get.execute('openai/gpt-5'));
    expect(isAppError(error) && error.code).to.equal('NOT_FOUND');
  });
});
