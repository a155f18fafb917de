import { expect } from 'chai';
import { MemoryUserDirectory } from '../../../src/adapters/memory/memory-user-directory';
import { describeUserDirectoryContract } from '../../contracts/user-directory.contract';
import { appErrorOf } from '../../support/expect-rejection';
import { FakeClock as ManualClock } from '../../fakes/fake-clock';
import { USER_A, USER_B } from '../../support/tokens';

describeUserDirectoryContract('memory twin', async () => {
  const directory = new MemoryUserDirectory(new ManualClock());
  return {
    directory,
    seed: (userId, values = {}) => directory.seed(userId, values),
    removeProfile: (userId) => directory.removeProfile(userId),
    user: (userId) => ({ userId, token: 'unused-by-the-twin' }),
    close: async () => undefined,
  };
});

describe('MemoryUserDirectory', () => {
  const clock = new ManualClock();

  it('gives every user a generous profile and a key of their own on first sight', async () => {
    const directory = new MemoryUserDirectory(clock);
    const a = await directory.getProfile({ userId: USER_A, token: 't', email: 'a@example.com' });
    expect(a).to.include({ id: USER_A, email: 'a@example.com', spend: 0, max_budget: 100, available_balance: 100 });
    const keyA = await directory.getLlmKey({ userId: USER_A, token: 't' });
    const keyB = await directory.getLlmKey({ userId: USER_B, token: 't' });
    expect(keyA).to.match(/^sk-local-[0-9a-f]{32}$/);
    expect(keyB).not.to.equal(keyA);
    // The same user keeps the same key.
    expect(await directory.getLlmKey({ userId: USER_A, token: 't' })).to.equal(keyA);
  });

  it('takes the initial budget from its options', async () => {
    const directory = new MemoryUserDirectory(clock, { initialMaxBudget: 5 });
    expect((await directory.getProfile({ userId: USER_A, token: 't' })).max_budget).to.equal(5);
  });

  it('lets tests exhaust a budget with setBudget and addSpend', async () => {
    const directory = new MemoryUserDirectory(clock);
    directory.setBudget(USER_A, { max_budget: 2, spend: 1.5 });
    directory.addSpend(USER_A, 0.5);
    expect(await directory.getProfile({ userId: USER_A, token: 't' })).to.include({ spend: 2, max_budget: 2, available_balance: 0 });
  });

  it('provisions a removed user again only when seeded', async () => {
    const directory = new MemoryUserDirectory(clock);
    directory.removeProfile(USER_A);
    await appErrorOf(directory.getProfile({ userId: USER_A, token: 't' }), 'NOT_FOUND');
    directory.seed(USER_A);
    expect((await directory.getProfile({ userId: USER_A, token: 't' })).id).to.equal(USER_A);
  });

  it('stamps updated_at on a change', async () => {
    const local = new ManualClock();
    const directory = new MemoryUserDirectory(local);
    const before = await directory.getProfile({ userId: USER_A, token: 't' });
    local.advanceMs(60_000);
    const after = await directory.updateProfile({ userId: USER_A, token: 't' }, { display_name: 'New' });
    expect(after.created_at).to.equal(before.created_at);
    expect(Date.parse(after.updated_at ?? '') - Date.parse(before.updated_at ?? '')).to.equal(60_000);
  });
});
