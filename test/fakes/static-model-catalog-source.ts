import type { ModelInfo } from '../../src/domain/models/model-info';
import type { ModelCatalogSource } from '../../src/ports/model-catalog.port';

export function model(id: string): ModelInfo {
  return {
    id,
    provider: id.includes('/') ? (id.split('/')[0] ?? null) : null,
    mode: 'chat',
    context_window: null,
    max_output_tokens: null,
    pricing: { input_per_1m: null, output_per_1m: null, currency: 'USD' },
    capabilities: { function_calling: null, vision: null },
  };
}

/** A catalogue of fixed model ids, counting its fetches; `failWith` makes it throw. */
export class StaticModelCatalogSource implements ModelCatalogSource {
  fetches = 0;
  failWith: Error | undefined;

  constructor(readonly ids: string[] = ['local/echo', 'openai/gpt-4o-mini']) {}

  async fetchCatalog(): Promise<ModelInfo[]> {
    this.fetches += 1;
    if (this.failWith) throw this.failWith;
    return this.ids.map(model);
  }

  async fetchAllowedModelIds(): Promise<string[]> {
    return [...this.ids];
  }
}
