import type { ModelInfo } from '../domain/models/model-info';
import { token } from './token';

/** The upstream's model metadata (LiteLLM `/model/info`, `/models`). Uncached: caching is the use case's job. */
export interface ModelCatalogSource {
  /** Every model the proxy serves, with metadata. */
  fetchCatalog(): Promise<ModelInfo[]>;
  /** Ids of the models a key may use (`/models` with that key). */
  fetchAllowedModelIds(apiKey: string): Promise<string[]>;
}

export const MODEL_CATALOG_SOURCE = token<ModelCatalogSource>('ModelCatalogSource');
