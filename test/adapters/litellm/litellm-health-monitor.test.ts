import { expect } from 'chai';
import sinon from 'sinon';
import { UpstreamClient } from '../../../src/adapters/http/upstream-client';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { LiteLlmHealthMonitor, probeCallLogger } from '../../../src/adapters/litellm/litellm-health-monitor';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeLiteLlmCatalogServer } from '../../fakes/fake-litellm-catalog-server';
import { eventually } from '../../support/async';
import { LogCollector } from '../../support/log-collector';

const FAILING = 'LiteLLM liveness probe failing';
const PASSING = 'LiteLLM liveness probe passing again';

describe('LiteLlmHealthMonitor', () => {
  let fake: FakeLiteLlmCatalogServer;
  let logs: LogCollector;
  let clock: FakeClock;
  let monitor: LiteLlmHealthMonitor;

  function build(windowSize = 20): LiteLlmHealthMonitor {
    const logger = createLogger('test', { level: 'debug', stream: logs, secrets: [] });
    const client = new UpstreamClient(
      { name: 'litellm_health', baseURL: fake.url, poolSize: 2, timeoutMs: 1000, retries: 0, failureThreshold: Number.MAX_SAFE_INTEGER },
      clock,
      probeCallLogger(logger),
    );
    return new LiteLlmHealthMonitor(client, { intervalMs: 15_000, timeoutMs: 1000, windowSize }, clock, logger);
  }

  beforeEach(async () => {
    fake = await new FakeLiteLlmCatalogServer().start();
    logs = new LogCollector();
    clock = new FakeClock();
    monitor = build();
  });
  afterEach(async () => {
    monitor.stop();
    await fake.stop();
  });

  it('probes GET /health/liveliness without a key, never /health', async () => {
    const result = await monitor.check();
    expect(result).to.include({ status: 'up' });
    expect([...fake.calls.keys()]).to.deep.equal(['/health/liveliness']);
    expect(fake.authorizations).to.deep.equal([undefined]);
  });

  it('answers /health from the last result while it is fresh, and probes again once it is older than two periods', async () => {
    await monitor.check();
    clock.advanceSeconds(29);
    await monitor.check();
    expect(fake.count('/health/liveliness')).to.equal(1);
    clock.advanceSeconds(2);
    await monitor.check();
    expect(fake.count('/health/liveliness')).to.equal(2);
  });

  it('reports down with the reason, and the availability over the recent probes', async () => {
    await monitor.probe();
    clock.advanceSeconds(15);
    await monitor.probe();
    fake.livelinessStatus = 503;
    clock.advanceSeconds(15);
    await monitor.probe();
    fake.mode = 'reset';
    clock.advanceSeconds(15);
    await monitor.probe();
    const result = await monitor.check();
    expect(result.status).to.equal('down');
    expect(result.error).to.equal('ECONNRESET');
    expect(result.details).to.deep.include({ window: 4, up: 2, availability: 0.5 });
    expect(result.details?.last_checked_at).to.equal(clock.now().toISOString());
    expect(result.details?.status_since).to.equal(new Date(clock.nowMs() - 15_000).toISOString());
  });

  it('logs a transition once, not every probe', async () => {
    await monitor.probe();
    fake.livelinessStatus = 500;
    for (let i = 0; i < 3; i += 1) await monitor.probe();
    fake.livelinessStatus = 200;
    for (let i = 0; i < 3; i += 1) await monitor.probe();
    const messages = logs.records().map((r) => r.msg);
    expect(messages.filter((m) => m === FAILING)).to.have.length(1);
    expect(messages.filter((m) => m === PASSING)).to.have.length(1);
    // The probe client's per-call lines are debug, not info.
    const callLines = logs.records().filter((r) => r.msg === 'upstream call');
    expect(callLines).to.have.length(7);
    for (const line of callLines) expect(line.level).to.equal(20);
  });

  it('keeps only the last windowSize probes', async () => {
    monitor = build(3);
    fake.livelinessStatus = 503;
    await monitor.probe();
    await monitor.probe();
    fake.livelinessStatus = 200;
    for (let i = 0; i < 3; i += 1) await monitor.probe();
    expect(monitor.availability()).to.deep.include({ window: 3, up: 3, availability: 1 });
  });

  it('shares one probe between concurrent checks', async () => {
    await Promise.all([monitor.check(), monitor.check(), monitor.check()]);
    expect(fake.count('/health/liveliness')).to.equal(1);
  });

  it('probes at start and then on an unref-ed timer, until stopped', async () => {
    const timers = sinon.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      monitor.start();
      const probesDone = (n: number) => eventually(() => (monitor.availability().window === n ? true : undefined), `probe ${n}`);
      await probesDone(1);
      expect(timers.countTimers()).to.equal(1);
      timers.tick(15_000);
      await probesDone(2);
      timers.tick(15_000);
      await probesDone(3);
      expect(fake.count('/health/liveliness')).to.equal(3);
      monitor.stop();
      expect(timers.countTimers()).to.equal(0);
    } finally {
      timers.restore();
    }
  });

  it('does not keep the process alive', () => {
    const spy = sinon.spy(global, 'setInterval');
    try {
      monitor.start();
      const timer = spy.returnValues[0] as NodeJS.Timeout;
      expect(timer.hasRef()).to.equal(false);
    } finally {
      spy.restore();
    }
  });
});
