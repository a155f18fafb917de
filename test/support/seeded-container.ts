import type { DependencyContainer } from 'tsyringe';
import type { MemoryConversationStore } from '../../src/adapters/memory/memory-conversation-store';
import { buildContainer } from '../../src/composition-root';
import type { ModelInfo } from '../../src/domain/models/model-info';
import { CONVERSATION_STORE } from '../../src/ports/conversation-store.port';
import { AUDIT_LOGGER } from '../../src/ports/logger.port';
import { MODEL_CATALOG_SOURCE, type ModelCatalogSource } from '../../src/ports/model-catalog.port';
import { model } from '../fakes/static-model-catalog-source';
import { seedDataset, SteppingClock, type Dataset } from './conversation-dataset';
import { RecordingLogger } from './recording-logger';
import { testConfig } from './test-config';

/** Output prices of the data set's models: gpt-4o $10 and gpt-4o-mini $0.60 per 1M tokens; claude-3-5-sonnet has none. */
export class PricedCatalogSource implements ModelCatalogSource {
  failWith: Error | undefined;

  async fetchCatalog(): Promise<ModelInfo[]> {
    if (this.failWith) throw this.failWith;
    const priced = (id: string, output: number | null): ModelInfo => ({
      ...model(id),
      pricing: { input_per_1m: 1, output_per_1m: output, currency: 'USD' },
    });
    return [priced('gpt-4o', 10), priced('gpt-4o-mini', 0.6), priced('claude-3-5-sonnet', null)];
  }

  async fetchAllowedModelIds(): Promise<string[]> {
    return ['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet'];
  }
}

export interface SeededContainer {
  container: DependencyContainer;
  clock: SteppingClock;
  store: MemoryConversationStore;
  data: Dataset;
  audit: RecordingLogger;
  catalog: PricedCatalogSource;
}

/** "Now" of the tests on the data set: the day after its last conversation. */
export const DATASET_NOW = '2026-01-21T12:00:00.000Z';

/** The real wiring of the embedded default, seeded with the known data set, the clock then frozen at DATASET_NOW. */
export async function seededContainer(env: Record<string, string> = {}): Promise<SeededContainer> {
  const clock = new SteppingClock();
  const container = buildContainer(testConfig(env), { clock });
  const audit = new RecordingLogger();
  container.registerInstance(AUDIT_LOGGER, audit);
  const catalog = new PricedCatalogSource();
  container.registerInstance(MODEL_CATALOG_SOURCE, catalog);
  const store = container.resolve<MemoryConversationStore>(CONVERSATION_STORE);
  const data = await seedDataset(store, clock);
  clock.freeze(DATASET_NOW);
  return { container, clock, store, data, audit, catalog };
}
