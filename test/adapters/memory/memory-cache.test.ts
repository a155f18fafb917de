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

  it("drops a user's entries by prefix without touching others, after evictions, expiries and overwrites", async () => {
    const clock = new FakeClock();
    const cache = new MemoryCache(clock, 4);
    const u1 = 'user:11111111-1111-4111-8111-111111111111:';
    const u2 = 'user:22222222-2222-4222-8222-222222222222:';
    await cache.set(`${u1}profile`, 'p1', 60);
    await cache.set(`${u1}balance`, 'b1', 1);
    await cache.set(`${u2}profile`, 'p2', 60);
    await cache.set(`${u1}profile`, 'p1 again', 60);
    await cache.set('models', 'm', 60);
    await cache.set(`${u1}usage:7`, 'u7', 60); // evicts the least recently used: u1 balance
    clock.advanceSeconds(2);
    expect(cache.size).to.equal(4);
    await cache.deleteByPrefix(u1);
    expect(cache.size).to.equal(2);
    expect(await cache.get(`${u1}profile`)).to.equal(undefined);
    expect(await cache.get(`${u1}usage:7`)).to.equal(undefined);
    expect(await cache.get(`${u2}profile`)).to.equal('p2');
    expect(await cache.get('models')).to.equal('m');
    // The group is rebuilt from scratch after it was dropped.
    await cache.set(`${u1}profile`, 'p1 new', 60);
    await cache.deleteByPrefix('user:1111'); // not a whole group: the scan
    expect(await cache.get(`${u1}profile`)).to.equal(undefined);
    await cache.set(`${u1}profile`, 'p1 newest', 60);
    await cache.delete(`${u1}profile`);
    await cache.deleteByPrefix(u1);
    expect(cache.size).to.equal(2);
  });
});
