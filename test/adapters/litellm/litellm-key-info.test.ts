import { expect } from 'chai';
import { UpstreamClient } from '../../../src/adapters/http/upstream-client';
import { LiteLlmKeyInfo } from '../../../src/adapters/litellm/litellm-key-info';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { AppError } from '../../../src/domain/errors/app-error';
import { FakeLiteLlmCatalogServer } from '../../fakes/fake-litellm-catalog-server';
import { rejectionOf } from '../../support/async';
import { LogCollector } from '../../support/log-collector';
import { useRealHttp } from '../../support/real-http';

describe('LiteLlmKeyInfo (GET /key/info with the user key)', () => {
  useRealHttp();
  let fake: FakeLiteLlmCatalogServer;
  let logs: LogCollector;
  let keys: LiteLlmKeyInfo;

  beforeEach(async () => {
    fake = await new FakeLiteLlmCatalogServer().start();
    logs = new LogCollector();
    const logger = createLogger('test', { level: 'info', stream: logs });
    keys = new LiteLlmKeyInfo(
      new UpstreamClient({ name: 'litellm', baseURL: fake.url, poolSize: 2, timeoutMs: 2000, retries: 0 }, new SystemClock(), logger),
    );
  });
  afterEach(async () => fake.stop());

  it('reads spend and budget nested under info, numbers or numeric strings, with the user key as bearer', async () => {
    fake.keyInfo.set('sk-user-key-12345678', { spend: '3.5', max_budget: 10, models: [] });
    expect(await keys.fetchKeyUsage('sk-user-key-12345678')).to.deep.equal({ spend: 3.5, max_budget: 10 });
    expect(fake.authorizations).to.deep.equal(['Bearer sk-user-key-12345678']);
    expect(logs.text()).not.to.contain('sk-user-key-12345678');
  });

  it('answers null figures for fields LiteLLM leaves out', async () => {
    fake.keyInfo.set('sk-user-key-12345678', { spend: null });
    expect(await keys.fetchKeyUsage('sk-user-key-12345678')).to.deep.equal({ spend: null, max_budget: null });
  });

  it('turns a rejected key into UPSTREAM_ERROR, never a 401 of the user session', async () => {
    const err = await rejectionOf(keys.fetchKeyUsage('sk-unknown-key-000000'));
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).code).to.equal('UPSTREAM_ERROR');
  });
});
