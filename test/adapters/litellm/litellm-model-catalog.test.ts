import { expect } from 'chai';
import { UpstreamClient } from '../../../src/adapters/http/upstream-client';
import { createLogger } from '../../../src/adapters/logging/bunyan-logger';
import { LiteLlmModelCatalog } from '../../../src/adapters/litellm/litellm-model-catalog';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { isAppError, type AppError } from '../../../src/domain/errors/app-error';
import { FakeLiteLlmCatalogServer } from '../../fakes/fake-litellm-catalog-server';
import { rejectionOf } from '../../support/async';
import { fixture } from '../../support/fixtures';
import { LogCollector } from '../../support/log-collector';

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await rejectionOf(promise);
  if (!isAppError(error)) throw error;
  return error;
}

describe('LiteLlmModelCatalog (over a fake LiteLLM)', () => {
  let fake: FakeLiteLlmCatalogServer;
  let logs: LogCollector;
  let catalog: LiteLlmModelCatalog;

  beforeEach(async () => {
    fake = await new FakeLiteLlmCatalogServer().start();
    logs = new LogCollector();
    const logger = createLogger('test', { level: 'info', stream: logs, secrets: [fake.masterKey] });
    const client = new UpstreamClient(
      { name: 'litellm', baseURL: fake.url, poolSize: 4, timeoutMs: 2000, retries: 1 },
      new SystemClock(),
      logger,
    );
    catalog = new LiteLlmModelCatalog(client, { masterKey: fake.masterKey }, logger);
  });
  afterEach(async () => fake.stop());

  it('reads /model/info with the master key', async () => {
    fake.modelInfo = fixture('litellm/model-info-realistic.json');
    const models = await catalog.fetchCatalog();
    expect(models.map((m) => m.id)).to.deep.equal(['gpt-4o', 'anthropic/claude-3-5-sonnet', 'gemini-1.5-pro', 'text-embedding-3-small']);
    expect(fake.count('/model/info')).to.equal(1);
    expect(fake.authorizations).to.deep.equal([`Bearer ${fake.masterKey}`]);
  });

  it('logs how many odd entries it skipped, once per fetch', async () => {
    fake.modelInfo = fixture('litellm/model-info-odd.json');
    const models = await catalog.fetchCatalog();
    expect(models).to.have.length(8);
    const warnings = logs.records().filter((r) => r.msg === 'model catalogue entries skipped');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ skipped_count: 6 });
  });

  it('turns a rejected master key into UPSTREAM_ERROR (never a 401 for the client), without echoing the key', async () => {
    fake.mode = 'auth-401';
    const error = await appError(catalog.fetchCatalog());
    expect(error.code).to.equal('UPSTREAM_ERROR');
    expect(error.details).to.include({ upstream: 'litellm', status: 401, type: 'auth_error' });
    expect(JSON.stringify(error.details)).not.to.contain(fake.masterKey);
    expect(logs.text()).not.to.contain(fake.masterKey);
  });

  it('turns a 503 into UPSTREAM_UNAVAILABLE after retrying the read', async () => {
    fake.mode = 'error-503';
    const error = await appError(catalog.fetchCatalog());
    expect(error.code).to.equal('UPSTREAM_UNAVAILABLE');
    expect(error.retryAfterSeconds).to.be.a('number');
    expect(fake.count('/model/info')).to.equal(2);
  });

  it('turns an old-style {"detail"} 500 into UPSTREAM_ERROR with the cause', async () => {
    fake.mode = 'error-500';
    const error = await appError(catalog.fetchCatalog());
    expect(error.code).to.equal('UPSTREAM_ERROR');
    expect(error.details).to.include({ status: 500, cause: 'Internal Server Error' });
  });

  it('turns a dropped connection into UPSTREAM_UNAVAILABLE', async () => {
    fake.mode = 'reset';
    expect((await appError(catalog.fetchCatalog())).code).to.equal('UPSTREAM_UNAVAILABLE');
  });

  it('turns a 200 without a data list into UPSTREAM_CONTRACT', async () => {
    fake.modelInfo = { models: [] };
    expect((await appError(catalog.fetchCatalog())).code).to.equal('UPSTREAM_CONTRACT');
  });

  it('lists the models a key may use through /models with that key', async () => {
    fake.keyModels.set('sk-user-key-1', ['gpt-4o', 'anthropic/claude-3-5-sonnet']);
    expect(await catalog.fetchAllowedModelIds('sk-user-key-1')).to.deep.equal(['gpt-4o', 'anthropic/claude-3-5-sonnet']);
    expect(fake.authorizations.at(-1)).to.equal('Bearer sk-user-key-1');
    const error = await appError(catalog.fetchAllowedModelIds('sk-unknown-key-2'));
    expect(error.code).to.equal('UPSTREAM_ERROR');
    expect(JSON.stringify(error.details)).not.to.contain('sk-unknown-key-2');
  });
});
