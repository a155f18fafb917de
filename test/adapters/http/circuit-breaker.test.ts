import { expect } from 'chai';
import { CircuitBreaker, type BreakerState } from '../../../src/adapters/http/circuit-breaker';
import { ManualClock } from './upstream-test-kit';

describe('CircuitBreaker', () => {
  let clock: ManualClock;
  let changes: BreakerState[];
  let breaker: CircuitBreaker;

  beforeEach(() => {
    clock = new ManualClock();
    changes = [];
    breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 10_000, onStateChange: (s) => changes.push(s) }, clock);
  });

  function fail(times: number): void {
    for (let i = 0; i < times; i += 1) {
      expect(breaker.allow()).to.equal(true);
      breaker.failure();
    }
  }

  it('stays closed below the threshold and lets every call through', () => {
    fail(2);
    expect(breaker.state).to.equal('closed');
    expect(breaker.allow()).to.equal(true);
    expect(changes).to.deep.equal([]);
  });

  it('counts consecutive failures only: a success in between resets the count', () => {
    fail(2);
    breaker.success();
    fail(2);
    expect(breaker.state).to.equal('closed');
  });

  it('opens at the threshold and refuses calls until openMs has passed', () => {
    fail(3);
    expect(breaker.state).to.equal('open');
    expect(changes).to.deep.equal(['open']);
    expect(breaker.allow()).to.equal(false);
    clock.advanceMs(9_999);
    expect(breaker.allow()).to.equal(false);
  });

  it('tells how long to wait, rounded up to whole seconds and at least 1', () => {
    fail(3);
    expect(breaker.retryAfterSeconds()).to.equal(10);
    clock.advanceMs(8_500);
    expect(breaker.retryAfterSeconds()).to.equal(2);
    clock.advanceMs(1_499);
    expect(breaker.retryAfterSeconds()).to.equal(1);
  });

  it('lets exactly one probe through when half-open, and closes on its success', () => {
    fail(3);
    clock.advanceMs(10_000);
    expect(breaker.allow()).to.equal(true);
    expect(breaker.state).to.equal('half_open');
    expect(breaker.allow()).to.equal(false);
    breaker.success();
    expect(breaker.state).to.equal('closed');
    expect(breaker.allow()).to.equal(true);
    expect(changes).to.deep.equal(['open', 'half_open', 'closed']);
  });

  it('opens again for a full window when the probe fails', () => {
    fail(3);
    clock.advanceMs(10_000);
    expect(breaker.allow()).to.equal(true);
    breaker.failure();
    expect(breaker.state).to.equal('open');
    expect(breaker.allow()).to.equal(false);
    clock.advanceMs(9_999);
    expect(breaker.allow()).to.equal(false);
    clock.advanceMs(1);
    expect(breaker.allow()).to.equal(true);
    expect(changes).to.deep.equal(['open', 'half_open', 'open', 'half_open']);
  });

  it('treats a neutral outcome of the probe (a 4xx) as proof the upstream answers', () => {
    fail(3);
    clock.advanceMs(10_000);
    expect(breaker.allow()).to.equal(true);
    breaker.neutral();
    expect(breaker.state).to.equal('closed');
  });

  it('does not let a neutral outcome reset the failure count while closed', () => {
    fail(2);
    breaker.neutral();
    fail(1);
    expect(breaker.state).to.equal('open');
  });
});
