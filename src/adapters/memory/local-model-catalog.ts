import type { ModelInfo } from '../../domain/models/model-info';
import type { ModelCatalogSource } from '../../ports/model-catalog.port';

/**
 * The built-in model(s) of the embedded default (no LITELLM_URL): `local/echo` answers with a
 * deterministic reply streamed token by token (local-echo-llm-gateway.ts), free of charge.
 */
export const LOCAL_MODELS: readonly ModelInfo[] = Object.freeze([
  {
    id: 'local/echo',
    provider: 'local',
    mode: 'chat',
    context_window: 32_768,
    max_output_tokens: 4_096,
    pricing: { input_per_1m: 0, output_per_1m: 0, currency: 'USD' },
    capabilities: { function_calling: false, vision: false, system_messages: true },
  },
]);

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
