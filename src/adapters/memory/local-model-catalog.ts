import type { ModelInfo } from '../../domain/models/model-info';
import { LOCAL_MODELS } from './local-echo-llm-gateway';
import type { ModelCatalogSource } from '../../ports/model-catalog.port';

/**
 * The catalogue of the embedded default (no LITELLM_URL): the built-in local models, defined once
 * beside the gateway that serves them (local-echo-llm-gateway.ts), free of charge.
 */
export class LocalModelCatalog implements ModelCatalogSource {
  constructor(private readonly models: readonly ModelInfo[] = LOCAL_MODELS) {}

  async fetchCatalog(): Promise<ModelInfo[]> {
    return structuredClone([...this.models]);
  }

  /** Every local model is open to every key. */
  async fetchAllowedModelIds(_apiKey: string): Promise<string[]> {
    return this.models.map((m) => m.id);
  }
}
