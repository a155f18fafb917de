import { expect } from 'chai';
import type { UserContext } from '../../src/domain/user/user-context';
import type { ProfilePatch } from '../../src/domain/user/user-profile';
import type { UserDirectory } from '../../src/ports/user-directory.port';
import { appErrorOf } from '../support/expect-rejection';
import { USER_A, USER_B } from '../support/tokens';

/** What a test may set on a user's row. */
export interface ProfileSeed {
  email?: string | null;
  spend?: number;
  max_budget?: number;
  litellm_key?: string | null;
  display_name?: string | null;
  default_model?: string | null;
  locale?: string | null;
  preferences?: Record<string, unknown>;
}

/** One adapter under test plus the back-office powers the contract needs. */
export interface UserDirectoryHarness {
  directory: UserDirectory;
  /** Makes the user's row exist (as sign-up does) with these values over defaults. */
  seed(userId: string, values?: ProfileSeed): void | Promise<void>;
  /** Deletes the user's row. */
  removeProfile(userId: string): void | Promise<void>;
  /** The caller as the auth middleware would hand it over. */
  user(userId: string): UserContext;
  close(): Promise<void>;
}

const KEY_A = 'sk-user-a-0123456789abcdef';
const KEY_B = 'sk-user-b-fedcba9876543210';

/**
 * The behaviour every UserDirectory must share: the memory twin and the Supabase adapter (over
 * HTTP to the fake of Supabase REST) both run it, so the twin cannot drift from the real thing.
 */
export function describeUserDirectoryContract(name: string, makeHarness: () => Promise<UserDirectoryHarness>): void {
  describe(`UserDirectory contract: ${name}`, () => {
    let h: UserDirectoryHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => h.close());

    it("reads the caller's profile with numbers and the balance", async () => {
      await h.seed(USER_A, {
        email: 'a@example.com',
        spend: 12.5,
        max_budget: 100,
        litellm_key: KEY_A,
        display_name: 'Ada',
        locale: 'en-US',
      });
      const profile = await h.directory.getProfile(h.user(USER_A));
      expect(profile).to.include({
        id: USER_A,
        email: 'a@example.com',
        display_name: 'Ada',
        locale: 'en-US',
        default_model: null,
        spend: 12.5,
        max_budget: 100,
        available_balance: 87.5,
      });
      expect(profile.preferences).to.deep.equal({});
    });

    it('never puts the LiteLLM key in the profile', async () => {
      await h.seed(USER_A, { litellm_key: KEY_A });
      const profile = await h.directory.getProfile(h.user(USER_A));
      expect(profile).not.to.have.property('litellm_key');
      expect(JSON.stringify(profile)).not.to.contain(KEY_A);
    });

    it('gives the caller their own LiteLLM key', async () => {
      await h.seed(USER_A, { litellm_key: KEY_A });
      await h.seed(USER_B, { litellm_key: KEY_B });
      expect(await h.directory.getLlmKey(h.user(USER_A))).to.equal(KEY_A);
      expect(await h.directory.getLlmKey(h.user(USER_B))).to.equal(KEY_B);
    });

    for (const [label, key] of [
      ['no key', null],
      ['an empty key', ''],
    ] as const) {
      it(`answers ACCOUNT_NOT_PROVISIONED for an account with ${label}`, async () => {
        await h.seed(USER_A, { litellm_key: key });
        await appErrorOf(h.directory.getLlmKey(h.user(USER_A)), 'ACCOUNT_NOT_PROVISIONED');
        // The profile itself stays readable: the account exists.
        expect((await h.directory.getProfile(h.user(USER_A))).id).to.equal(USER_A);
      });
    }

    it('shows a balance at or below zero as it is', async () => {
      await h.seed(USER_A, { spend: 10, max_budget: 10 });
      expect((await h.directory.getProfile(h.user(USER_A))).available_balance).to.equal(0);
      await h.seed(USER_A, { spend: 12.25, max_budget: 10 });
      expect((await h.directory.getProfile(h.user(USER_A))).available_balance).to.equal(-2.25);
    });

    it('computes the balance without float noise', async () => {
      await h.seed(USER_A, { spend: 9.9, max_budget: 10 });
      expect((await h.directory.getProfile(h.user(USER_A))).available_balance).to.equal(0.1);
    });

    it('updates the editable fields and answers the new profile', async () => {
      await h.seed(USER_A, { spend: 3, max_budget: 50, litellm_key: KEY_A });
      const patch: ProfilePatch = {
        display_name: 'Grace',
        default_model: 'openai/gpt-4o-mini',
        locale: 'fr-FR',
        preferences: { theme: 'dark' },
      };
      const updated = await h.directory.updateProfile(h.user(USER_A), patch);
      expect(updated).to.include({ display_name: 'Grace', default_model: 'openai/gpt-4o-mini', locale: 'fr-FR', spend: 3, max_budget: 50 });
      expect(updated.preferences).to.deep.equal({ theme: 'dark' });
      expect(updated).not.to.have.property('litellm_key');
      const reread = await h.directory.getProfile(h.user(USER_A));
      expect(reread).to.deep.include({ display_name: 'Grace', locale: 'fr-FR', preferences: { theme: 'dark' } });
      expect(await h.directory.getLlmKey(h.user(USER_A))).to.equal(KEY_A);
    });

    it('changes only the fields given; null clears one', async () => {
      await h.seed(USER_A, { display_name: 'Ada', locale: 'en-US', preferences: { a: 1 } });
      await h.directory.updateProfile(h.user(USER_A), { locale: null });
      const profile = await h.directory.getProfile(h.user(USER_A));
      expect(profile).to.include({ display_name: 'Ada', locale: null });
      expect(profile.preferences).to.deep.equal({ a: 1 });
    });

    it('never writes spend, budget, key, email or id, even when a caller passes them', async () => {
      await h.seed(USER_A, { email: 'a@example.com', spend: 5, max_budget: 10, litellm_key: KEY_A });
      const sneaky = { display_name: 'X', spend: 0, max_budget: 1e9, litellm_key: 'sk-stolen', email: 'x@evil.test', id: USER_B };
      const updated = await h.directory.updateProfile(h.user(USER_A), sneaky as ProfilePatch);
      expect(updated).to.include({ id: USER_A, email: 'a@example.com', spend: 5, max_budget: 10, display_name: 'X' });
      expect(await h.directory.getLlmKey(h.user(USER_A))).to.equal(KEY_A);
    });

    it('hands out copies: mutating a returned profile changes nothing stored', async () => {
      await h.seed(USER_A, { preferences: { theme: 'light' } });
      const profile = await h.directory.getProfile(h.user(USER_A));
      profile.preferences.theme = 'hacked';
      profile.spend = -1;
      const reread = await h.directory.getProfile(h.user(USER_A));
      expect(reread.preferences).to.deep.equal({ theme: 'light' });
      expect(reread.spend).to.equal(0);
    });

    it('answers NOT_FOUND for a user without a profile row, on every call', async () => {
      await h.removeProfile(USER_A);
      const user = h.user(USER_A);
      const err = await appErrorOf(h.directory.getProfile(user), 'NOT_FOUND');
      expect(err.message).to.equal('profile not found');
      await appErrorOf(h.directory.getLlmKey(user), 'NOT_FOUND');
      await appErrorOf(h.directory.updateProfile(user, { display_name: 'x' }), 'NOT_FOUND');
    });

    it('keeps users apart: each reads and writes only their own row', async () => {
      await h.seed(USER_A, { display_name: 'A', spend: 1, max_budget: 10, litellm_key: KEY_A });
      await h.seed(USER_B, { display_name: 'B', spend: 2, max_budget: 20, litellm_key: KEY_B });
      await h.directory.updateProfile(h.user(USER_B), { display_name: 'B2' });
      const a = await h.directory.getProfile(h.user(USER_A));
      const b = await h.directory.getProfile(h.user(USER_B));
      expect(a).to.include({ id: USER_A, display_name: 'A', spend: 1, max_budget: 10 });
      expect(b).to.include({ id: USER_B, display_name: 'B2', spend: 2, max_budget: 20 });
    });
  });
}
