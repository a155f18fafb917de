import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { MemoryCache } from '../../../src/adapters/memory/memory-cache';
import { CachedReader, type CachedReaderOptions } from '../../../src/application/cache/cached-reader';
import type { Cache } from '../../../src/ports/cache.port';
import { CountingCacheObserver } from '../../fakes/counting-cache-observer';
import { FakeClock } from '../../fakes/fake-clock';
import { SwitchableCache } from '../../fakes/switchable-cache';
import { rejectionOf } from '../../support/async';
import { LogCollector } from '../../support/log-collector';
import { USER_A, USER_B } from '../../support/tokens';

const OPTIONS: CachedReaderOptions = {
  kinds: {
    models: { ttlSeconds: 3600 },
    profile: { ttlSeconds: 900, perUser: true },
    balance: { ttlSeconds: 900, perUser: true },
    usage: { ttlSeconds: 300, perUser: true },
  },
  sharedTimeoutMs: 50,
  retryDownMs: 1000,
};

interface Harness {
  reader: CachedReader;
  clock: FakeClock;
  observer: CountingCacheObserver;
  logs: LogCollector;
  shared: Cache;
  local: MemoryCache;
}

function harness(shared?: Cache, options: Partial<CachedReaderOptions> = {}): Harness {
  const clock = new FakeClock();
  const observer = new CountingCacheObserver();
  const logs = new LogCollector();
  const local = new MemoryCache(clock);
  const sharedCache = shared ?? local;
  const logger = createLogger('test', { level: 'debug', stream: logs, secrets: [] });
  const reader = new CachedReader(sharedCache, local, { ...OPTIONS, ...options }, observer, clock, logger);
  return { reader, clock, observer, logs, shared: sharedCache, local };
}

/** A loader that counts its calls and resolves when told to (or at once). */
function countingLoader<T>(value: T, options: { held?: boolean } = {}) {
  let release: () => void = () => undefined;
  const gate = options.held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  const loader = {
    calls: 0,
    fn: async () => {
      loader.calls += 1;
      await gate;
      return value;
    },
    release: () => release(),
  };
  return loader;
}

function messages(logs: LogCollector, msg: string): number {
  return logs.records().filter((r) => r.msg === msg).length;
}

const OUTAGE = 'shared cache unavailable; answering from the source and the in-process cache';
const RECOVERED = 'shared cache available again';

describe('CachedReader', () => {
  describe('cache-aside', () => {
    it('loads a miss once, then answers from the cache', async () => {
      const h = harness(new SwitchableCache());
      const loader = countingLoader({ items: ['gpt-4o'] });
      expect(await h.reader.getOrLoad('models', 'catalog', loader.fn)).to.deep.equal({ items: ['gpt-4o'] });
      expect(await h.reader.getOrLoad('models', 'catalog', loader.fn)).to.deep.equal({ items: ['gpt-4o'] });
      expect(loader.calls).to.equal(1);
      expect(h.observer.loads).to.deep.equal(['models']);
      expect(h.observer.hits).to.deep.equal([{ kind: 'models', layer: 'shared' }]);
    });

    it('stores each kind with its own TTL', async () => {
      const shared = new SwitchableCache();
      const h = harness(shared);
      await h.reader.getOrLoad('models', 'catalog', async () => 1);
      await h.reader.getOrLoad('profile', USER_A, async () => 2);
      expect(shared.ttls.get('models:catalog')).to.equal(3600);
      expect(shared.ttls.get(`user:${USER_A}:profile`)).to.equal(900);
    });

    it('loads again after the TTL (fake clock, in-process cache)', async () => {
      const h = harness();
      const loader = countingLoader('profile');
      await h.reader.getOrLoad('profile', USER_A, loader.fn);
      h.clock.advanceSeconds(899);
      await h.reader.getOrLoad('profile', USER_A, loader.fn);
      expect(loader.calls).to.equal(1);
      h.clock.advanceSeconds(1);
      await h.reader.getOrLoad('profile', USER_A, loader.fn);
      expect(loader.calls).to.equal(2);
    });

    it('does not cache a failed load, and passes its error on', async () => {
      const h = harness();
      const error = new Error('upstream down');
      expect(
        await rejectionOf(
          h.reader.getOrLoad('models', 'catalog', async () => {
            throw error;
          }),
        ),
      ).to.equal(error);
      expect(await h.reader.getOrLoad('models', 'catalog', async () => 'fresh')).to.equal('fresh');
    });

    it('keys user data by user id and refuses a user kind without one', async () => {
      const shared = new SwitchableCache();
      const h = harness(shared);
      await h.reader.getOrLoad('usage', `${USER_A}:2026-01-01:2026-01-31:day`, async () => 'u');
      expect([...shared.entries.keys()]).to.deep.equal([`user:${USER_A}:usage:2026-01-01:2026-01-31:day`]);
      expect((await rejectionOf(h.reader.getOrLoad('profile', 'not-a-user', async () => 1))).message).to.match(/user id/);
      expect((await rejectionOf(h.reader.getOrLoad('nope', 'x', async () => 1))).message).to.match(/Unknown cache kind/);
    });
  });

  describe('single-flight', () => {
    it('gives N concurrent misses of one key ONE loader call, and counts the joiners', async () => {
      const h = harness(new SwitchableCache());
      const loader = countingLoader({ v: 1 }, { held: true });
      const pending = Array.from({ length: 25 }, () => h.reader.getOrLoad('models', 'catalog', loader.fn));
      // Let every caller reach the cache and queue behind the one load.
      await new Promise((resolve) => setImmediate(resolve));
      loader.release();
      const results = await Promise.all(pending);
      expect(loader.calls).to.equal(1);
      expect(results).to.have.length(25);
      for (const r of results) expect(r).to.deep.equal({ v: 1 });
      expect(h.observer.loads).to.have.length(1);
      expect(h.observer.coalescedMisses).to.have.length(24);
    });

    it('shares a failure with every waiter, then lets the next call try again', async () => {
      const h = harness();
      let calls = 0;
      const failing = async () => {
        calls += 1;
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('boom');
      };
      const errors = await Promise.all(Array.from({ length: 5 }, () => rejectionOf(h.reader.getOrLoad('models', 'catalog', failing))));
      expect(calls).to.equal(1);
      expect(errors.map((e) => e.message)).to.deep.equal(['boom', 'boom', 'boom', 'boom', 'boom']);
      expect(await h.reader.getOrLoad('models', 'catalog', async () => 'ok')).to.equal('ok');
    });

    it('keeps different keys apart', async () => {
      const h = harness();
      const a = countingLoader('a');
      const b = countingLoader('b');
      expect(await Promise.all([h.reader.getOrLoad('profile', USER_A, a.fn), h.reader.getOrLoad('profile', USER_B, b.fn)])).to.deep.equal([
        'a',
        'b',
      ]);
      expect([a.calls, b.calls]).to.deep.equal([1, 1]);
    });
  });

  describe('invalidation', () => {
    it('invalidate(kind, key) drops one entry from both caches', async () => {
      const shared = new SwitchableCache();
      const h = harness(shared);
      await h.reader.getOrLoad('balance', USER_A, async () => 10);
      await h.reader.getOrLoad('profile', USER_A, async () => 'p');
      await h.reader.invalidate('balance', USER_A);
      expect(shared.entries.has(`user:${USER_A}:balance`)).to.equal(false);
      expect(await h.local.get(`user:${USER_A}:balance`)).to.equal(undefined);
      expect(await h.reader.getOrLoad('balance', USER_A, async () => 9)).to.equal(9);
      expect(await h.reader.getOrLoad('profile', USER_A, async () => 'other')).to.equal('p');
    });

    it("invalidateUser drops every entry of that user and no one else's", async () => {
      const shared = new SwitchableCache();
      const h = harness(shared);
      await h.reader.getOrLoad('profile', USER_A, async () => 'a');
      await h.reader.getOrLoad('balance', USER_A, async () => 1);
      await h.reader.getOrLoad('usage', `${USER_A}:day`, async () => 'ua');
      await h.reader.getOrLoad('profile', USER_B, async () => 'b');
      await h.reader.getOrLoad('models', 'catalog', async () => 'm');
      await h.reader.invalidateUser(USER_A);
      expect([...shared.entries.keys()].sort()).to.deep.equal(['models:catalog', `user:${USER_B}:profile`]);
    });

    it('does not cache a load that an invalidation overtook (the loaded value may predate the write)', async () => {
      const h = harness(new SwitchableCache());
      const loader = countingLoader('old profile', { held: true });
      const first = h.reader.getOrLoad('profile', USER_A, loader.fn);
      await new Promise((resolve) => setImmediate(resolve));
      await h.reader.invalidate('profile', USER_A);
      loader.release();
      expect(await first).to.equal('old profile');
      expect(await h.reader.getOrLoad('profile', USER_A, async () => 'new profile')).to.equal('new profile');
    });
  });

  describe('graceful degradation', () => {
    it('answers from the loader and the in-process cache while the shared cache is down; logs the outage once and counts it', async () => {
      const shared = new SwitchableCache();
      const h = harness(shared, { retryDownMs: 0 });
      const warm = countingLoader('catalog v1');
      await h.reader.getOrLoad('models', 'catalog', warm.fn);

      shared.state = 'down';
      // Loaded while Redis was up: the in-process copy answers.
      expect(await h.reader.getOrLoad('models', 'catalog', warm.fn)).to.equal('catalog v1');
      expect(warm.calls).to.equal(1);
      // A cold key: one load, then the in-process copy.
      const cold = countingLoader('profile A');
      for (let i = 0; i < 5; i += 1) expect(await h.reader.getOrLoad('profile', USER_A, cold.fn)).to.equal('profile A');
      expect(cold.calls).to.equal(1);

      expect(messages(h.logs, OUTAGE)).to.equal(1);
      expect(h.observer.outages).to.deep.equal([{ state: 'down', durationMs: undefined }]);
      expect(h.observer.degradedOps.length).to.be.greaterThan(5);
      expect(h.reader.degraded).to.equal(true);

      shared.state = 'up';
      h.clock.advanceSeconds(30);
      expect(await h.reader.getOrLoad('profile', USER_B, async () => 'profile B')).to.equal('profile B');
      await h.reader.getOrLoad('profile', USER_B, async () => 'never');
      expect(messages(h.logs, RECOVERED)).to.equal(1);
      expect(messages(h.logs, OUTAGE)).to.equal(1);
      expect(h.observer.outages).to.deep.equal([
        { state: 'down', durationMs: undefined },
        { state: 'up', durationMs: 30_000 },
      ]);
      expect(h.reader.degraded).to.equal(false);
    });

    it('treats a slow shared cache as down (bounded wait) and answers without it', async () => {
      const shared = new SwitchableCache();
      shared.state = 'hanging';
      const h = harness(shared, { sharedTimeoutMs: 20 });
      expect(await h.reader.getOrLoad('models', 'catalog', async () => 'from source')).to.equal('from source');
      expect(messages(h.logs, OUTAGE)).to.equal(1);
      // Within retryDownMs the shared cache is not even asked.
      const callsBefore = shared.calls;
      expect(await h.reader.getOrLoad('models', 'catalog', async () => 'not called')).to.equal('from source');
      expect(shared.calls).to.equal(callsBefore);
    });

    it('retries the shared cache only after retryDownMs while it is down', async () => {
      const shared = new SwitchableCache();
      shared.state = 'down';
      const h = harness(shared, { retryDownMs: 1000 });
      await h.reader.getOrLoad('models', 'catalog', async () => 1);
      const afterFirst = shared.calls;
      h.clock.advanceMs(999);
      await h.reader.getOrLoad('models', 'catalog', async () => 1);
      expect(shared.calls).to.equal(afterFirst);
      h.clock.advanceMs(1);
      await h.reader.getOrLoad('models', 'catalog', async () => 1);
      expect(shared.calls).to.equal(afterFirst + 1);
    });

    it('replays invalidations missed during the outage before trusting the shared cache again', async () => {
      const shared = new SwitchableCache();
      const h = harness(shared, { retryDownMs: 0 });
      await h.reader.getOrLoad('profile', USER_A, async () => 'old name');
      await h.reader.getOrLoad('balance', USER_B, async () => 5);
      shared.state = 'down';
      await h.reader.invalidateUser(USER_A);
      await h.reader.invalidate('balance', USER_B);
      expect(shared.entries.has(`user:${USER_A}:profile`)).to.equal(true);

      shared.state = 'up';
      expect(await h.reader.getOrLoad('profile', USER_A, async () => 'new name')).to.equal('new name');
      expect(await h.reader.getOrLoad('balance', USER_B, async () => 4)).to.equal(4);
    });

    it('never touches a fallback when the shared cache is the in-process one', async () => {
      const h = harness();
      await h.reader.getOrLoad('models', 'catalog', async () => 1);
      expect(await h.reader.getOrLoad('models', 'catalog', async () => 2)).to.equal(1);
      expect(h.observer.hits).to.deep.equal([{ kind: 'models', layer: 'local' }]);
      expect(h.observer.degradedOps).to.deep.equal([]);
    });
  });
});
