import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { SupabaseUserDirectory, type SupabaseUserDirectoryOptions } from '../../../src/adapters/supabase/supabase-user-directory';
import type { UserContext } from '../../../src/domain/user/user-context';
import { describeUserDirectoryContract, type ProfileSeed } from '../../contracts/user-directory.contract';
import { FakeSupabaseRest, USER_PROFILE_COLUMNS } from '../../fakes/fake-supabase-rest';
import { appErrorOf } from '../../support/expect-rejection';
import { FakeClock as ManualClock } from '../../fakes/fake-clock';
import { RecordingLogger } from '../../support/recording-logger';
import { devToken, USER_A, USER_B } from '../../support/tokens';

const KEY = 'sk-litellm-user-a-secret-0001';

function seedRow(fake: FakeSupabaseRest, userId: string, values: ProfileSeed = {}): void {
  const existing = fake.table('user_profiles').rows.some((r) => r.id === userId);
  const defaults = existing
    ? {}
    : {
        email: null,
        spend: 0,
        max_budget: 100,
        litellm_key: `sk-litellm-${userId.slice(0, 8)}`,
        display_name: null,
        default_model: null,
        locale: null,
        preferences: {},
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-01T00:00:00.000Z',
      };
  fake.upsert('user_profiles', { id: userId, ...defaults, ...values });
}

function userOf(userId: string, requestId?: string): UserContext {
  return { userId, token: devToken(userId), ...(requestId ? { requestId } : {}) };
}

function makeDirectory(
  fake: FakeSupabaseRest,
  clock = new ManualClock(),
  logger = new RecordingLogger(),
  options: Partial<SupabaseUserDirectoryOptions> = {},
): SupabaseUserDirectory {
  return new SupabaseUserDirectory(
    { supabaseUrl: fake.url, anonKey: fake.anonKey, poolSize: 4, timeoutMs: 5000, retries: 0, ...options },
    clock,
    logger,
  );
}

describeUserDirectoryContract('Supabase REST adapter over HTTP', async () => {
  const fake = await FakeSupabaseRest.start();
  return {
    directory: makeDirectory(fake),
    seed: (userId, values) => seedRow(fake, userId, values),
    removeProfile: (userId) => fake.remove('user_profiles', userId),
    user: (userId) => userOf(userId),
    close: () => fake.close(),
  };
});

describe('SupabaseUserDirectory', () => {
  let fake: FakeSupabaseRest;
  beforeEach(async () => {
    fake = await FakeSupabaseRest.start();
    seedRow(fake, USER_A, { litellm_key: KEY, spend: 12.5, max_budget: 100 });
  });
  afterEach(async () => fake.close());

  describe('requests', () => {
    it("reads the row with the anon key as apikey and the user's own JWT", async () => {
      const user = userOf(USER_A, 'req-123');
      await makeDirectory(fake).getProfile(user);
      const [req] = fake.requestsTo('user_profiles');
      expect(req?.method).to.equal('GET');
      expect(req?.path).to.equal('/rest/v1/user_profiles');
      expect(req?.query.get('id')).to.equal(`eq.${USER_A}`);
      expect(req?.query.get('select')).to.equal('*');
      expect(req?.headers.apikey).to.equal(fake.anonKey);
      expect(req?.headers.authorization).to.equal(`Bearer ${user.token}`);
      expect(req?.headers['x-request-id']).to.equal('req-123');
    });

    it('patches only the editable columns, asking for the representation', async () => {
      const user = userOf(USER_A);
      const patch = { display_name: 'Ada', preferences: { theme: 'dark' }, spend: 0, litellm_key: 'sk-x' };
      await makeDirectory(fake).updateProfile(user, patch as never);
      const [req] = fake.requestsTo('user_profiles');
      expect(req?.method).to.equal('PATCH');
      expect(req?.query.get('id')).to.equal(`eq.${USER_A}`);
      expect(req?.headers.prefer).to.equal('return=representation');
      expect(req?.headers.authorization).to.equal(`Bearer ${user.token}`);
      expect(req?.body).to.deep.equal({ display_name: 'Ada', preferences: { theme: 'dark' } });
      expect(fake.table('user_profiles').rows[0]).to.include({ spend: 12.5, litellm_key: KEY });
    });

    it('does not send an empty PATCH: it reads instead', async () => {
      const profile = await makeDirectory(fake).updateProfile(userOf(USER_A), {});
      expect(profile.id).to.equal(USER_A);
      expect(fake.requests.map((r) => r.method)).to.deep.equal(['GET']);
    });

    it('fails clearly without an anon key, and calls nobody', async () => {
      const err = await appErrorOf(
        makeDirectory(fake, undefined, undefined, { anonKey: undefined }).getProfile(userOf(USER_A)),
        'UPSTREAM_ERROR',
      );
      expect(err.details).to.include({ reason: 'not_configured' });
      expect(fake.requests).to.have.length(0);
    });
  });

  describe('rows', () => {
    it('turns numeric columns sent as strings into numbers', async () => {
      fake.numericAsStrings = true;
      const profile = await makeDirectory(fake).getProfile(userOf(USER_A));
      expect(profile).to.include({ spend: 12.5, max_budget: 100, available_balance: 87.5 });
    });

    it('computes available_balance when the row has none', async () => {
      fake.table('user_profiles').generated = {};
      fake.numericAsStrings = true;
      const profile = await makeDirectory(fake).getProfile(userOf(USER_A));
      expect(profile.available_balance).to.equal(87.5);
    });

    it('treats a null spend as nothing spent', async () => {
      seedRow(fake, USER_A, { spend: null as unknown as number });
      fake.table('user_profiles').generated = {};
      expect(await makeDirectory(fake).getProfile(userOf(USER_A))).to.include({ spend: 0, available_balance: 100 });
    });

    it('tolerates a table with only the columns of the contract', async () => {
      const table = fake.table('user_profiles');
      table.columns = ['id', 'email', 'litellm_key', 'spend', 'max_budget'];
      const profile = await makeDirectory(fake).getProfile(userOf(USER_A));
      expect(profile).to.include({ display_name: null, default_model: null, locale: null, created_at: null, updated_at: null });
      expect(profile.preferences).to.deep.equal({});
      expect(await makeDirectory(fake).getLlmKey(userOf(USER_A))).to.equal(KEY);
    });

    const unusable: [string, unknown][] = [
      ['an object instead of an array', { id: USER_A, spend: 1, max_budget: 2 }],
      ['a text body', '<html>bad gateway</html>'],
      [
        'two rows',
        [
          { id: USER_A, spend: 1, max_budget: 2 },
          { id: USER_A, spend: 1, max_budget: 2 },
        ],
      ],
      ['a row without max_budget', [{ id: USER_A, spend: 1 }]],
      ['a non-numeric spend', [{ id: USER_A, spend: 'lots', max_budget: 2 }]],
      ['a non-numeric available_balance', [{ id: USER_A, spend: 1, max_budget: 2, available_balance: {} }]],
      ['a row without id', [{ spend: 1, max_budget: 2 }]],
      ["another user's row", [{ id: USER_B, spend: 1, max_budget: 2 }]],
    ];
    for (const [label, body] of unusable) {
      it(`answers UPSTREAM_CONTRACT for ${label}`, async () => {
        fake.failNext(200, body);
        await appErrorOf(makeDirectory(fake).getProfile(userOf(USER_A)), 'UPSTREAM_CONTRACT');
      });
    }

    it('answers NOT_FOUND for an empty array', async () => {
      fake.remove('user_profiles', USER_A);
      const err = await appErrorOf(makeDirectory(fake).getProfile(userOf(USER_A)), 'NOT_FOUND');
      expect(err.message).to.equal('profile not found');
    });
  });

  describe('upstream errors', () => {
    it("answers AUTH_EXPIRED when Supabase rejects the user's expired JWT (PGRST303)", async () => {
      const expired = jwt.sign({ sub: USER_A, exp: Math.floor(Date.now() / 1000) - 60 }, 'any-secret');
      await appErrorOf(makeDirectory(fake).getProfile({ userId: USER_A, token: expired }), 'AUTH_EXPIRED');
    });

    it('answers AUTH_EXPIRED for the older PGRST301 "JWT expired" too', async () => {
      fake.failNext(401, { code: 'PGRST301', message: 'JWT expired', details: null, hint: null });
      await appErrorOf(makeDirectory(fake).getProfile(userOf(USER_A)), 'AUTH_EXPIRED');
    });

    it('answers AUTH_INVALID when Supabase cannot use the JWT', async () => {
      await appErrorOf(makeDirectory(fake).getProfile({ userId: USER_A, token: 'not-a-jwt' }), 'AUTH_INVALID');
    });

    it('answers UPSTREAM_ERROR, never a 401 code, when the anon key is rejected', async () => {
      const err = await appErrorOf(
        makeDirectory(fake, undefined, undefined, { anonKey: 'wrong-anon-key' }).getProfile(userOf(USER_A)),
        'UPSTREAM_ERROR',
      );
      expect(err.details).to.include({ upstream: 'supabase', upstream_status: 401, reason: 'api_key_rejected' });
      expect(JSON.stringify(err.details)).not.to.contain('wrong-anon-key');
    });

    it('answers UPSTREAM_ERROR for a permission denied (403 42501)', async () => {
      fake.failNext(403, { code: '42501', message: 'permission denied for table user_profiles', details: null, hint: null });
      const err = await appErrorOf(makeDirectory(fake).getProfile(userOf(USER_A)), 'UPSTREAM_ERROR');
      expect(err.details).to.include({ upstream_code: '42501', reason: 'permission_denied' });
    });

    it('answers NOT_FOUND for 406 PGRST116', async () => {
      fake.failNext(406, {
        code: 'PGRST116',
        message: 'JSON object requested, multiple (or no) rows returned',
        details: 'The result contains 0 rows',
        hint: null,
      });
      await appErrorOf(makeDirectory(fake).getProfile(userOf(USER_A)), 'NOT_FOUND');
    });

    it('answers UPSTREAM_ERROR with the code when a column is missing upstream (400 PGRST204)', async () => {
      fake.table('user_profiles').columns = USER_PROFILE_COLUMNS.filter((c) => c !== 'locale');
      const err = await appErrorOf(makeDirectory(fake).updateProfile(userOf(USER_A), { locale: 'de-DE' }), 'UPSTREAM_ERROR');
      expect(err.details).to.include({ upstream_status: 400, upstream_code: 'PGRST204' });
    });

    it('never turns an upstream 404 into NOT_FOUND', async () => {
      fake.failNext(404, { code: 'PGRST205', message: "Could not find the table 'public.user_profiles' in the schema cache" });
      const err = await appErrorOf(makeDirectory(fake).getProfile(userOf(USER_A)), 'UPSTREAM_ERROR');
      expect(err.details).to.include({ upstream_code: 'PGRST205' });
    });

    it('retries a read after a 503 and succeeds', async () => {
      fake.failNext(503, { message: 'upstream connect error' });
      const profile = await makeDirectory(fake, undefined, undefined, { retries: 1 }).getProfile(userOf(USER_A));
      expect(profile.id).to.equal(USER_A);
      expect(fake.requests).to.have.length(2);
    });

    it('answers UPSTREAM_UNAVAILABLE with Retry-After when 5xx persists', async () => {
      fake.failNext(503, { message: 'down' }, { 'Retry-After': '7' });
      const err = await appErrorOf(makeDirectory(fake).getProfile(userOf(USER_A)), 'UPSTREAM_UNAVAILABLE');
      expect(err.retryAfterSeconds).to.equal(7);
    });

    it('answers UPSTREAM_TIMEOUT for a 504 of the upstream gateway', async () => {
      fake.failNext(504, { message: 'gateway timeout' });
      await appErrorOf(makeDirectory(fake).getProfile(userOf(USER_A)), 'UPSTREAM_TIMEOUT');
    });

    it('answers UPSTREAM_UNAVAILABLE when Supabase is unreachable', async () => {
      const directory = makeDirectory(fake);
      await fake.close();
      await appErrorOf(directory.getProfile(userOf(USER_A)), 'UPSTREAM_UNAVAILABLE');
      fake = await FakeSupabaseRest.start();
    });
  });

  describe('the LiteLLM key', () => {
    it('is read with the profile: one upstream call serves both', async () => {
      const directory = makeDirectory(fake);
      await directory.getProfile(userOf(USER_A));
      expect(await directory.getLlmKey(userOf(USER_A))).to.equal(KEY);
      expect(fake.requests).to.have.length(1);
    });

    it('shares one row read with a profile read already in flight', async () => {
      const directory = makeDirectory(fake);
      const [profile, key] = await Promise.all([directory.getProfile(userOf(USER_A)), directory.getLlmKey(userOf(USER_A))]);
      expect(profile.id).to.equal(USER_A);
      expect(key).to.equal(KEY);
      expect(fake.requests).to.have.length(1);
      // Once it is over, the next read is a new call (the in-flight read is not a cache).
      await directory.getProfile(userOf(USER_A));
      expect(fake.requests).to.have.length(2);
    });

    it('shares a failed read too, and the next read tries again', async () => {
      const directory = makeDirectory(fake);
      fake.failNext(500, { message: 'boom' });
      const [a, b] = await Promise.all([
        appErrorOf(directory.getProfile(userOf(USER_A)), 'UPSTREAM_UNAVAILABLE'),
        appErrorOf(directory.getLlmKey(userOf(USER_A)), 'UPSTREAM_UNAVAILABLE'),
      ]);
      expect(a.code).to.equal(b.code);
      expect(fake.requests).to.have.length(1);
      expect(await directory.getLlmKey(userOf(USER_A))).to.equal(KEY);
      expect(fake.requests).to.have.length(2);
    });

    it('never shares a read between users', async () => {
      seedRow(fake, USER_B, { litellm_key: 'sk-litellm-user-b-0002' });
      const directory = makeDirectory(fake);
      const [a, b] = await Promise.all([directory.getLlmKey(userOf(USER_A)), directory.getLlmKey(userOf(USER_B))]);
      expect([a, b]).to.deep.equal([KEY, 'sk-litellm-user-b-0002']);
      expect(fake.requests).to.have.length(2);
    });

    it('is read again once the short memo has expired', async () => {
      const clock = new ManualClock();
      const directory = makeDirectory(fake, clock, undefined, { keyMemoMs: 5000 });
      await directory.getLlmKey(userOf(USER_A));
      await directory.getLlmKey(userOf(USER_A));
      expect(fake.requests).to.have.length(1);
      clock.advanceMs(5001);
      seedRow(fake, USER_A, { litellm_key: 'sk-rotated-key-000000' });
      expect(await directory.getLlmKey(userOf(USER_A))).to.equal('sk-rotated-key-000000');
      expect(fake.requests).to.have.length(2);
    });

    it('is memoised per user: B never gets the key of A', async () => {
      seedRow(fake, USER_B, { litellm_key: 'sk-litellm-user-b-0002' });
      const directory = makeDirectory(fake);
      await directory.getProfile(userOf(USER_A));
      expect(await directory.getLlmKey(userOf(USER_B))).to.equal('sk-litellm-user-b-0002');
    });

    it('keeps a bounded memo', async () => {
      seedRow(fake, USER_B, { litellm_key: 'sk-litellm-user-b-0002' });
      const directory = makeDirectory(fake, undefined, undefined, { keyMemoMaxEntries: 1 });
      await directory.getLlmKey(userOf(USER_A));
      await directory.getLlmKey(userOf(USER_B));
      await directory.getLlmKey(userOf(USER_A));
      expect(fake.requests).to.have.length(3);
    });

    it('never reaches the logger, nor does the JWT, on success or failure', async () => {
      const logger = new RecordingLogger();
      const directory = makeDirectory(fake, undefined, logger);
      const user = userOf(USER_A, 'req-log');
      await directory.getProfile(user);
      await directory.getLlmKey(user);
      fake.failNext(500, { message: 'boom' });
      await appErrorOf(directory.getProfile(user), 'UPSTREAM_UNAVAILABLE');
      expect(logger.records.length).to.be.greaterThan(0);
      expect(logger.text()).not.to.contain(KEY);
      expect(logger.text()).not.to.contain(user.token);
      expect(logger.text()).not.to.contain(fake.anonKey);
    });
  });
});
