import { expect } from 'chai';
import type { Cache } from '../../../src/ports/cache.port';

export interface CacheUnderTest {
  cache: Cache;
  close?: () => Promise<void>;
}

/**
 * What every Cache adapter does alike (ARCHITECTURE §6): the memory LRU and the Redis adapter run
 * this same suite. TTL expiry is tested per adapter (fake clock / PTTL).
 */
export function describeCacheContract(name: string, make: () => Promise<CacheUnderTest>): void {
  describe(`Cache contract: ${name}`, () => {
    let subject: CacheUnderTest;
    beforeEach(async () => {
      subject = await make();
    });
    afterEach(async () => subject.close?.());

    it('returns undefined for a key never set', async () => {
      expect(await subject.cache.get('models:nothing')).to.equal(undefined);
    });

    it('round-trips JSON values: objects, arrays, strings, numbers, booleans and null', async () => {
      const value = { id: 'openai/gpt-4o', n: 1.5, ok: true, none: null, list: [1, 'two', { three: 3 }], text: 'ünïcødé ✓' };
      await subject.cache.set('models:a', value, 60);
      await subject.cache.set('models:zero', 0, 60);
      await subject.cache.set('models:null', null, 60);
      await subject.cache.set('models:text', 'plain', 60);
      expect(await subject.cache.get('models:a')).to.deep.equal(value);
      expect(await subject.cache.get('models:zero')).to.equal(0);
      expect(await subject.cache.get('models:null')).to.equal(null);
      expect(await subject.cache.get('models:text')).to.equal('plain');
    });

    it('hands out copies: mutating a stored or returned object changes nothing cached', async () => {
      const value = { items: [1, 2] };
      await subject.cache.set('k:copy', value, 60);
      value.items.push(3);
      const first = await subject.cache.get<{ items: number[] }>('k:copy');
      first!.items.push(4);
      expect(await subject.cache.get('k:copy')).to.deep.equal({ items: [1, 2] });
    });

    it('overwrites a key', async () => {
      await subject.cache.set('k:1', 'old', 60);
      await subject.cache.set('k:1', 'new', 60);
      expect(await subject.cache.get('k:1')).to.equal('new');
    });

    it('deletes one key, and deleting a missing key is not an error', async () => {
      await subject.cache.set('k:1', 1, 60);
      await subject.cache.set('k:2', 2, 60);
      await subject.cache.delete('k:1');
      await subject.cache.delete('k:missing');
      expect(await subject.cache.get('k:1')).to.equal(undefined);
      expect(await subject.cache.get('k:2')).to.equal(2);
    });

    it('deletes by prefix, literally (glob characters in the prefix match only themselves)', async () => {
      const u1 = 'user:11111111-1111-4111-8111-111111111111:';
      const u2 = 'user:22222222-2222-4222-8222-222222222222:';
      await subject.cache.set(`${u1}profile`, 'p1', 60);
      await subject.cache.set(`${u1}balance`, 'b1', 60);
      await subject.cache.set(`${u2}profile`, 'p2', 60);
      await subject.cache.set('glob:a*b:1', 'star', 60);
      await subject.cache.set('glob:aXb:1', 'x', 60);
      await subject.cache.deleteByPrefix(u1);
      await subject.cache.deleteByPrefix('glob:a*b');
      expect(await subject.cache.get(`${u1}profile`)).to.equal(undefined);
      expect(await subject.cache.get(`${u1}balance`)).to.equal(undefined);
      expect(await subject.cache.get(`${u2}profile`)).to.equal('p2');
      expect(await subject.cache.get('glob:a*b:1')).to.equal(undefined);
      expect(await subject.cache.get('glob:aXb:1')).to.equal('x');
    });

    it('deletes by prefix across many keys (more than one SCAN page)', async () => {
      const prefix = 'user:33333333-3333-4333-8333-333333333333:';
      await Promise.all(Array.from({ length: 1200 }, (_, i) => subject.cache.set(`${prefix}usage:${i}`, i, 60)));
      await subject.cache.set('user:44444444-4444-4444-8444-444444444444:usage:1', 'other', 60);
      await subject.cache.deleteByPrefix(prefix);
      const left = await Promise.all(Array.from({ length: 1200 }, (_, i) => subject.cache.get(`${prefix}usage:${i}`)));
      expect(left.filter((v) => v !== undefined)).to.deep.equal([]);
      expect(await subject.cache.get('user:44444444-4444-4444-8444-444444444444:usage:1')).to.equal('other');
    });
  });
}
