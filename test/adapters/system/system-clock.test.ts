import { expect } from 'chai';
import { SystemClock } from '../../../src/adapters/system/system-clock';

describe('SystemClock', () => {
  const clock = new SystemClock();

  it('tells the wall-clock time in milliseconds since the epoch', () => {
    const before = Date.now();
    const ms = clock.nowMs();
    expect(ms).to.be.within(before, Date.now());
    expect(clock.now().getTime()).to.be.within(ms, Date.now());
  });

  it('times durations below a millisecond on a clock that never goes back', () => {
    const samples: number[] = [];
    for (let i = 0; i < 1000; i += 1) samples.push(clock.monotonicMs());
    for (let i = 1; i < samples.length; i += 1) expect(samples[i]).to.be.at.least(samples[i - 1]!);
    // A thousand reads take far less than a millisecond, yet the clock moved: it has sub-millisecond resolution.
    const spent = samples[samples.length - 1]! - samples[0]!;
    expect(spent).to.be.greaterThan(0);
    expect(spent).to.satisfy((d: number) => !Number.isInteger(d) || d < 1);
  });
});
