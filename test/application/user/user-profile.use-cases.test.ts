import 'reflect-metadata';
import { expect } from 'chai';
import sinon from 'sinon';
import { MemoryCache } from '../../../src/adapters/memory/memory-cache';
import { MemoryUserDirectory } from '../../../src/adapters/memory/memory-user-directory';
import { GetBalance } from '../../../src/application/user/get-balance.use-case';
import { GetProfile } from '../../../src/application/user/get-profile.use-case';
import { InvalidateUserCache } from '../../../src/application/user/invalidate-user-cache.use-case';
import { MAX_PREFERENCES_BYTES, UpdateProfile } from '../../../src/application/user/update-profile.use-case';
import { CachedReader } from '../../../src/application/cache/cached-reader';
import { MODELS_CACHE_KIND, MODELS_LAST_GOOD_CACHE_KIND, ModelCatalogReader } from '../../../src/application/models/model-catalog-reader';
import { KEY_SPEND_CACHE_KIND } from '../../../src/application/user/get-balance.use-case';
import type { LlmKeyInfoSource, LlmKeyUsage } from '../../../src/ports/llm-key-info.port';
import { PROFILE_CACHE_KIND, UserProfileCache } from '../../../src/application/user/user-profile-cache';
import { NOOP_CACHE_OBSERVER } from '../../../src/ports/cache-observer.port';
import { AppError } from '../../../src/domain/errors/app-error';
import type { UserContext } from '../../../src/domain/user/user-context';
import type { Cache } from '../../../src/ports/cache.port';
import { StaticModelCatalogSource } from '../../fakes/static-model-catalog-source';
import { appErrorOf } from '../../support/expect-rejection';
import { FakeClock as ManualClock } from '../../fakes/fake-clock';
import { RecordingLogger } from '../../support/recording-logger';
import { USER_A, USER_B } from '../../support/tokens';

const TTL = 900;
const alice: UserContext = { userId: USER_A, token: 'token-a', requestId: 'req-a' };
const bob: UserContext = { userId: USER_B, token: 'token-b' };

function setup(cache?: Cache) {
  const clock = new ManualClock();
  const directory = new MemoryUserDirectory(clock);
  const memoryCache = new MemoryCache(clock);
  const logger = new RecordingLogger();
  const audit = new RecordingLogger();
  const catalog = new StaticModelCatalogSource();
  const reader = new CachedReader(
    cache ?? memoryCache,
    memoryCache,
    {
      kinds: {
        [PROFILE_CACHE_KIND]: { ttlSeconds: TTL, perUser: true },
        [KEY_SPEND_CACHE_KIND]: { ttlSeconds: TTL, perUser: true },
        [MODELS_CACHE_KIND]: { ttlSeconds: 3600 },
        [MODELS_LAST_GOOD_CACHE_KIND]: { ttlSeconds: 86400 },
      },
      sharedTimeoutMs: 250,
      retryDownMs: 1000,
    },
    NOOP_CACHE_OBSERVER,
    clock,
    logger,
  );
  const profiles = new UserProfileCache(reader, directory);
  const keyInfo = new FakeKeyInfo();
  const models = new ModelCatalogReader(catalog, reader, clock, logger);
  return {
    clock,
    directory,
    cache: memoryCache,
    logger,
    audit,
    catalog,
    reads: sinon.spy(directory, 'getProfile'),
    writes: sinon.spy(directory, 'updateProfile'),
    getProfile: new GetProfile(profiles),
    keyInfo,
    getBalance: new GetBalance(profiles, directory, keyInfo, reader, logger),
    invalidate: new InvalidateUserCache(profiles, reader),
    updateProfile: new UpdateProfile(directory, models, profiles, audit),
  };
}

/** LiteLLM's `/key/info` as the test sets it: a spend, no answer (null) or a failure. */
class FakeKeyInfo implements LlmKeyInfoSource {
  usage: LlmKeyUsage | null = null;
  failure: Error | undefined;
  readonly keys: string[] = [];

  async fetchKeyUsage(apiKey: string): Promise<LlmKeyUsage | null> {
    this.keys.push(apiKey);
    if (this.failure) throw this.failure;
    return this.usage;
  }
}

describe('user profile use cases', () => {
  describe('GetBalance reconciled with LiteLLM /key/info', () => {
    it("takes the budget from the profile and the higher spend, read with the user's own key", async () => {
      const t = setup();
      t.directory.setBudget(USER_A, { max_budget: 20, spend: 5 });
      t.keyInfo.usage = { spend: 7.25, max_budget: 50 };
      const balance = await t.getBalance.execute(alice);
      expect(balance).to.deep.equal({
        max_budget: 20,
        spend: 7.25,
        available_balance: 12.75,
        currency: 'USD',
        source: 'user_profiles+litellm',
      });
      expect(t.keyInfo.keys).to.deep.equal([await t.directory.getLlmKey(alice)]);
    });

    it('keeps the profile spend when it is the higher one', async () => {
      const t = setup();
      t.directory.setBudget(USER_A, { max_budget: 20, spend: 9 });
      t.keyInfo.usage = { spend: 4, max_budget: null };
      expect(await t.getBalance.execute(alice)).to.include({ spend: 9, available_balance: 11, source: 'user_profiles+litellm' });
    });

    it('answers from the profile alone when LiteLLM has no figure or fails', async () => {
      const t = setup();
      t.directory.setBudget(USER_A, { max_budget: 20, spend: 5 });
      expect(await t.getBalance.execute(alice)).to.include({ spend: 5, source: 'user_profiles' });
      const failing = setup();
      failing.directory.setBudget(USER_A, { max_budget: 20, spend: 5 });
      failing.keyInfo.failure = new Error('connect ECONNREFUSED');
      expect(await failing.getBalance.execute(alice)).to.include({ spend: 5, available_balance: 15, source: 'user_profiles' });
    });

    it("reads the key spend again after a chat invalidated the user's cache", async () => {
      const t = setup();
      t.directory.setBudget(USER_A, { max_budget: 20, spend: 5 });
      t.keyInfo.usage = { spend: 6, max_budget: null };
      expect((await t.getBalance.execute(alice)).spend).to.equal(6);
      t.keyInfo.usage = { spend: 8, max_budget: null };
      expect((await t.getBalance.execute(alice)).spend).to.equal(6);
      await t.invalidate.execute(USER_A);
      expect((await t.getBalance.execute(alice)).spend).to.equal(8);
    });
  });

  describe('GetProfile and GetBalance', () => {
    it('read the directory once, then serve from the cache under a key holding the user id', async () => {
      const t = setup();
      const first = await t.getProfile.execute(alice);
      const second = await t.getProfile.execute(alice);
      expect(second).to.deep.equal(first);
      expect(t.reads.callCount).to.equal(1);
      expect(await t.cache.get(`user:${USER_A}:profile`)).to.deep.equal(first);
    });

    it('never cache the LiteLLM key', async () => {
      const t = setup();
      const key = await t.directory.getLlmKey(alice);
      await t.getProfile.execute(alice);
      expect(JSON.stringify(await t.cache.get(`user:${USER_A}:profile`))).not.to.contain(key);
    });

    it('share one entry: a balance after a profile costs no upstream call', async () => {
      const t = setup();
      t.directory.setBudget(USER_A, { max_budget: 20, spend: 5.25 });
      await t.getProfile.execute(alice);
      const balance = await t.getBalance.execute(alice);
      expect(balance).to.deep.equal({ max_budget: 20, spend: 5.25, available_balance: 14.75, currency: 'USD', source: 'user_profiles' });
      expect(t.reads.callCount).to.equal(1);
    });

    it('keep users apart', async () => {
      const t = setup();
      t.directory.setBudget(USER_A, { max_budget: 10, spend: 1 });
      t.directory.setBudget(USER_B, { max_budget: 30, spend: 2 });
      expect((await t.getBalance.execute(alice)).max_budget).to.equal(10);
      expect((await t.getBalance.execute(bob)).max_budget).to.equal(30);
      expect((await t.getProfile.execute(bob)).id).to.equal(USER_B);
    });

    it('read again once the TTL has passed', async () => {
      const t = setup();
      await t.getBalance.execute(alice);
      t.clock.advanceMs((TTL - 1) * 1000);
      await t.getBalance.execute(alice);
      expect(t.reads.callCount).to.equal(1);
      t.clock.advanceMs(2000);
      await t.getBalance.execute(alice);
      expect(t.reads.callCount).to.equal(2);
    });

    it('still answer when the cache cannot store', async () => {
      const failing: Cache = {
        get: async () => undefined,
        set: async () => {
          throw new Error('redis down');
        },
        delete: async () => undefined,
        deleteByPrefix: async () => undefined,
      };
      const t = setup(failing);
      expect((await t.getProfile.execute(alice)).id).to.equal(USER_A);
      expect(t.logger.records.map((r) => r.msg)).to.include('shared cache unavailable; answering from the source and the in-process cache');
    });
  });

  describe('InvalidateUserCache', () => {
    it('makes the next balance show what a finished chat spent', async () => {
      const t = setup();
      expect((await t.getBalance.execute(alice)).spend).to.equal(0);
      t.directory.addSpend(USER_A, 0.75);
      // Still cached: this is what the invalidation is for.
      expect((await t.getBalance.execute(alice)).spend).to.equal(0);
      await t.invalidate.execute(USER_A);
      expect((await t.getBalance.execute(alice)).spend).to.equal(0.75);
    });

    it("leaves other users' entries alone", async () => {
      const t = setup();
      await t.getProfile.execute(alice);
      await t.getProfile.execute(bob);
      await t.invalidate.execute(USER_B);
      expect(await t.cache.get(`user:${USER_A}:profile`)).not.to.equal(undefined);
      expect(await t.cache.get(`user:${USER_B}:profile`)).to.equal(undefined);
    });
  });

  describe('UpdateProfile', () => {
    it('writes, drops the cached profile, and audits the field names', async () => {
      const t = setup();
      await t.getProfile.execute(alice);
      const updated = await t.updateProfile.execute(alice, { display_name: 'Ada', default_model: 'openai/gpt-4o-mini' });
      expect(updated).to.include({ display_name: 'Ada', default_model: 'openai/gpt-4o-mini' });
      expect((await t.getProfile.execute(alice)).display_name).to.equal('Ada');
      expect(t.reads.callCount).to.equal(2);
      const [record] = t.audit.records;
      expect(record?.fields).to.deep.include({ event: 'profile_updated', user_id: USER_A, request_id: 'req-a' });
      expect((record?.fields as { fields: string[] }).fields).to.have.members(['display_name', 'default_model']);
      expect(t.audit.text()).not.to.contain('Ada');
    });

    it('rejects an unknown default model with a field error, writing nothing', async () => {
      const t = setup();
      const err = await appErrorOf(t.updateProfile.execute(alice, { default_model: 'no/such-model', locale: 'en' }), 'VALIDATION_ERROR');
      expect(err.details).to.deep.equal({
        fields: [{ path: 'default_model', message: 'is not a known model (see GET /v1/models)', location: 'body' }],
      });
      expect(t.writes.callCount).to.equal(0);
    });

    it('does not consult the catalogue to clear the default model', async () => {
      const t = setup();
      await t.updateProfile.execute(alice, { default_model: null });
      expect(t.catalog.fetches).to.equal(0);
      expect((await t.getProfile.execute(alice)).default_model).to.equal(null);
    });

    it('passes on a catalogue failure without writing', async () => {
      const t = setup();
      t.catalog.failWith = new AppError('UPSTREAM_UNAVAILABLE', 'litellm is unavailable');
      await appErrorOf(t.updateProfile.execute(alice, { default_model: 'local/echo' }), 'UPSTREAM_UNAVAILABLE');
      expect(t.writes.callCount).to.equal(0);
    });

    it('rejects preferences over the size limit', async () => {
      const t = setup();
      const preferences = { blob: 'x'.repeat(MAX_PREFERENCES_BYTES) };
      const err = await appErrorOf(t.updateProfile.execute(alice, { preferences }), 'VALIDATION_ERROR');
      expect((err.details as { fields: { path: string }[] }).fields.map((f) => f.path)).to.deep.equal(['preferences']);
      expect(t.writes.callCount).to.equal(0);
    });

    it('drops fields outside the editable set before they reach the directory', async () => {
      const t = setup();
      await t.updateProfile.execute(alice, { locale: 'de', spend: 0, max_budget: 1e6 } as never);
      expect(t.writes.firstCall.args[1]).to.deep.equal({ locale: 'de' });
    });
  });
});
