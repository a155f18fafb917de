import { expect } from 'chai';
import { AppError } from '../../../src/domain/errors/app-error';
import { availableBalance, balanceOf, ensureCanStartCompletion } from '../../../src/domain/user/balance';
import { pickProfilePatch, type ProfilePatch, type UserProfile } from '../../../src/domain/user/user-profile';

function profile(spend: number, maxBudget: number): UserProfile {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    email: null,
    display_name: null,
    default_model: null,
    locale: null,
    preferences: {},
    spend,
    max_budget: maxBudget,
    available_balance: availableBalance(maxBudget, spend),
    created_at: null,
    updated_at: null,
  };
}

function thrown(fn: () => void): AppError {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a throw');
}

describe('balance policy', () => {
  it('subtracts without float noise', () => {
    expect(availableBalance(10, 9.9)).to.equal(0.1);
    expect(availableBalance(0.3, 0.1)).to.equal(0.2);
    expect(availableBalance(5, 7.25)).to.equal(-2.25);
  });

  it('lets a user with money left start a completion', () => {
    expect(() => ensureCanStartCompletion(profile(9.99, 10))).not.to.throw();
  });

  for (const [spend, budget] of [
    [10, 10],
    [12, 10],
  ] as const) {
    it(`refuses at available_balance ${budget - spend} with INSUFFICIENT_BALANCE and the numbers`, () => {
      const err = thrown(() => ensureCanStartCompletion(profile(spend, budget)));
      expect(err).to.be.instanceOf(AppError);
      expect(err.code).to.equal('INSUFFICIENT_BALANCE');
      expect(err.details).to.deep.equal({ available_balance: budget - spend, max_budget: budget });
    });
  }

  it('shows a balance in USD with its source', () => {
    expect(balanceOf(profile(1, 3))).to.deep.equal({
      max_budget: 3,
      spend: 1,
      available_balance: 2,
      currency: 'USD',
      source: 'user_profiles',
    });
  });

  it('keeps only the editable profile fields that are present', () => {
    const input = { display_name: 'A', locale: undefined, spend: 0, litellm_key: 'k', id: 'x' } as unknown as ProfilePatch;
    expect(pickProfilePatch(input)).to.deep.equal({ display_name: 'A' });
  });
});
