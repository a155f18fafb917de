import { expect } from 'chai';
import { MemoryCache } from '../../../src/adapters/memory/memory-cache';
import { FakeClock } from '../../fakes/fake-clock';
import { describeCacheContract } from '../cache/cache-contract';

describeCacheContract('MemoryCache', async () => ({ cache: new MemoryCache(new FakeClock()) }));

describe('MemoryCache', () => {
  it('expires an entry at its TTL, on the injected clock', async () => {
    const clock = new FakeClock();
    const cache = new MemoryCache(clock);
    await cache.set('profile:x', { a: 1 }, 900);
    clock.advanceSeconds(899);
    expect(await cache.get('profile:x')).to.deep.equal({ a: 1 });
    clock.advanceSeconds(1);
    expect(await cache.get('profile:x')).to.equal(undefined);
    expect(cache.size).to.equal(0);
  });

  it('evicts the least recently used entry beyond its capacity', async () => {
    const cache = new MemoryCache(new FakeClock(), 2);
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.get('a');
    await cache.set('c', 3, 60);
    expect(await cache.get('b')).to.equal(undefined);
    expect(await cache.get('a')).to.equal(1);
    expect(await cache.get('c')).to.equal(3);
  });
});
