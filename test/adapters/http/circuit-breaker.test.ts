import { expect } from 'chai';
import { CircuitBreaker, type BreakerPermit, type BreakerState } from '../../../src/adapters/http/circuit-breaker';
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

  function acquire(): BreakerPermit {
    const permit = breaker.tryAcquire();
    expect(permit, `a permit while ${breaker.state}`).to.not.equal(undefined);
    return permit!;
  }

  function fail(times: number): void {
    for (let i = 0; i < times; i += 1) acquire().failure();
  }

  /** Trips the circuit and waits out the open period: the next permit is the probe. */
  function halfOpen(): BreakerPermit {
    fail(3);
    clock.advanceMs(10_000);
    const probe = acquire();
    expect(probe.probe).to.equal(true);
    expect(breaker.state).to.equal('half_open');
    return probe;
  }

  describe('closed', () => {
    it('stays closed below the threshold and lets every call through', () => {
      fail(2);
      expect(breaker.state).to.equal('closed');
      expect(acquire().probe).to.equal(false);
      expect(changes).to.deep.equal([]);
    });

    it('counts consecutive failures only: a success in between resets the count', () => {
      fail(2);
      acquire().success();
      fail(2);
      expect(breaker.state).to.equal('closed');
    });

    it('does not let an answer without a verdict (a 4xx) or a cancelled call reset the count', () => {
      fail(2);
      acquire().answered();
      acquire().cancelled();
      fail(1);
      expect(breaker.state).to.equal('open');
    });

    it('counts a call once, however often it is settled', () => {
      const call = acquire();
      call.failure();
      call.failure();
      call.failure();
      expect(breaker.state).to.equal('closed');
      fail(2);
      expect(breaker.state).to.equal('open');
    });

    it('counts a stream that broke after its first token (success, then failure) as one failure', () => {
      fail(2);
      const stream = acquire();
      stream.success();
      stream.failure();
      expect(breaker.state).to.equal('closed');
      fail(2);
      expect(breaker.state).to.equal('open');
    });
  });

  describe('open', () => {
    it('opens at the threshold and refuses calls until openMs has passed', () => {
      fail(3);
      expect(breaker.state).to.equal('open');
      expect(changes).to.deep.equal(['open']);
      expect(breaker.tryAcquire()).to.equal(undefined);
      clock.advanceMs(9_999);
      expect(breaker.tryAcquire()).to.equal(undefined);
    });

    it('tells how long to wait, rounded up to whole seconds and at least 1', () => {
      fail(3);
      expect(breaker.retryAfterSeconds()).to.equal(10);
      clock.advanceMs(8_500);
      expect(breaker.retryAfterSeconds()).to.equal(2);
      clock.advanceMs(1_499);
      expect(breaker.retryAfterSeconds()).to.equal(1);
    });

    it('is not closed by the late success of a call that began before the trip', () => {
      const slow = acquire();
      fail(3);
      slow.success();
      expect(breaker.state).to.equal('open');
      expect(breaker.tryAcquire()).to.equal(undefined);
      expect(changes).to.deep.equal(['open']);
    });
  });

  describe('half-open', () => {
    it('lets exactly one probe through, and closes on its success', () => {
      const probe = halfOpen();
      expect(breaker.tryAcquire()).to.equal(undefined);
      probe.success();
      expect(breaker.state).to.equal('closed');
      expect(acquire().probe).to.equal(false);
      expect(changes).to.deep.equal(['open', 'half_open', 'closed']);
    });

    it('opens again for a full window when the probe fails', () => {
      halfOpen().failure();
      expect(breaker.state).to.equal('open');
      expect(breaker.tryAcquire()).to.equal(undefined);
      clock.advanceMs(9_999);
      expect(breaker.tryAcquire()).to.equal(undefined);
      clock.advanceMs(1);
      expect(acquire().probe).to.equal(true);
      expect(changes).to.deep.equal(['open', 'half_open', 'open', 'half_open']);
    });

    it('treats an answer of the probe without a verdict (a 4xx) as proof the upstream answers', () => {
      halfOpen().answered();
      expect(breaker.state).to.equal('closed');
    });

    it('gives the slot back when the probe is cancelled, and leaves the state as it was', () => {
      const probe = halfOpen();
      probe.cancelled();
      expect(breaker.state).to.equal('half_open');
      expect(changes).to.deep.equal(['open', 'half_open']);
      const next = acquire();
      expect(next.probe).to.equal(true);
      expect(breaker.tryAcquire()).to.equal(undefined);
      next.failure();
      expect(breaker.state).to.equal('open');
    });

    it('ignores what a cancelled probe reports later', () => {
      const probe = halfOpen();
      probe.cancelled();
      probe.success();
      expect(breaker.state).to.equal('half_open');
    });

    it('is moved only by the probe: a late success of a call from before the trip neither closes it nor frees the probe slot', () => {
      const slow = acquire();
      const probe = halfOpen();
      slow.success();
      expect(breaker.state).to.equal('half_open');
      expect(breaker.tryAcquire(), 'the probe is still out').to.equal(undefined);
      probe.failure();
      expect(breaker.state).to.equal('open');
    });

    it('is moved only by the probe: a late failure of a call from before the trip does not reopen it', () => {
      const slow = acquire();
      const probe = halfOpen();
      slow.failure();
      expect(breaker.state).to.equal('half_open');
      probe.success();
      expect(breaker.state).to.equal('closed');
    });
  });

  describe('after the probe closed the circuit', () => {
    it('ignores the late outcomes of calls from before the trip', () => {
      const slowFailures = [acquire(), acquire(), acquire()];
      const slowSuccess = acquire();
      halfOpen().success();
      fail(2);
      slowSuccess.success(); // would reset the count if it counted
      for (const call of slowFailures) call.failure(); // would reopen if they counted
      expect(breaker.state).to.equal('closed');
      fail(1);
      expect(breaker.state).to.equal('open');
    });

    it('counts the probe stream breaking after its first token as a failure of the new period', () => {
      const probe = halfOpen();
      probe.success();
      fail(2);
      probe.failure();
      expect(breaker.state).to.equal('open');
    });
  });
});
