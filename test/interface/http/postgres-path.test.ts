import type { RunningApp } from '../../support/http';
import { startApp } from '../../support/http';
import { MODEL_CATALOG_SOURCE } from '../../../src/ports/model-catalog.port';
import { CONVERSATION_STORE } from '../../../src/ports/conversation-store.port';
import { DATABASE } from '../../../src/composition-root';
import { seedDataset, SteppingClock } from '../../support/conversation-dataset';
import { DATASET_NOW, PricedCatalogSource } from '../../support/seeded-container';
import { testConfig } from '../../support/test-config';
import { devToken } from '../../support/tokens';
import { createTestDatabase, requirePostgres, truncateAll, type TestDatabase } from '../../support/test-postgres';
import { conversationRouteSuite } from './conversations.routes.test';
import { conversationIndexRouteSuite } from './conversation-index.routes.test';

/** The app on the PostgreSQL server path (DATABASE_URL); closing it empties the tables for the next test. */
async function startOnServer(url: string, clock?: SteppingClock): Promise<RunningApp> {
  const app = await startApp({
    config: testConfig({ LOG_LEVEL: 'info', DATABASE_URL: url, DATABASE_POOL_SIZE: '4' }),
    // With a clock: the index suite's seeded dataset, whose usage figures are priced by this catalogue.
    // Without: the conversation suite chats with the embedded default's own models.
    ...(clock ? { overrides: { clock }, configure: (c) => c.registerInstance(MODEL_CATALOG_SOURCE, new PricedCatalogSource()) } : {}),
  });
  return {
    ...app,
    close: async () => {
      await truncateAll(app.container.resolve(DATABASE));
      await app.close();
    },
  };
}

describe('the HTTP suites on the PostgreSQL server path (DATABASE_URL)', function () {
  requirePostgres();
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase();
  });
  after(async () => testDb?.drop());

  conversationRouteSuite('PostgreSQL server', () => startOnServer(testDb.url));

  conversationIndexRouteSuite('PostgreSQL server', async () => {
    const clock = new SteppingClock();
    const app = await startOnServer(testDb.url, clock);
    const store = app.container.resolve(CONVERSATION_STORE);
    const data = await seedDataset(store, clock);
    clock.freeze(DATASET_NOW);
    return { app, store, data, tokenOf: (userId) => devToken(userId), close: () => app.close() };
  });
});
