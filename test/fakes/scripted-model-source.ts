import { AppError } from '../../src/domain/errors/app-error';
import type { ModelInfo } from '../../src/domain/models/model-info';
import type { ModelCatalogSource } from '../../src/ports/model-catalog.port';

/** A catalogue source that serves what the test says, or fails like an unreachable LiteLLM; counts fetches. */
export class ScriptedModelSource implements ModelCatalogSource {
  fetches = 0;
  down = false;

  constructor(public models: ModelInfo[]) {}

  async fetchCatalog(): Promise<ModelInfo[]> {
    this.fetches += 1;
    if (this.down) throw new AppError('UPSTREAM_UNAVAILABLE', 'litellm is unreachable', { details: { upstream: 'litellm' } });
    return structuredClone(this.models);
  }

  async fetchAllowedModelIds(): Promise<string[]> {
    return this.models.map((m) => m.id);
  }
}

export function model(id: string, overrides: Partial<Omit<ModelInfo, 'id'>> = {}): ModelInfo {
  return {
    id,
    provider: null,
    mode: 'chat',
    context_window: null,
    max_output_tokens: null,
    pricing: { input_per_1m: null, output_per_1m: null, currency: 'USD' },
    capabilities: { function_calling: null, vision: null },
    ...overrides,
  };
}
