// A model picker from GET /v1/models.
import type { ModelInfo } from '../../clients/typescript';
import type { Gateway } from './gateway-api';

export interface ModelCatalogue {
  items: ModelInfo[];
  count: number;
  /** True when LiteLLM is unreachable and this is the last good list: show it, maybe with a hint. */
  stale: boolean;
  fetched_at: string;
}

/** The chat models, cheapest output first. */
export async function chatModels(gateway: Gateway): Promise<ModelCatalogue> {
  return gateway.call<ModelCatalogue>('GET', '/v1/models?mode=chat&sort=output_price&order=asc');
}

/** "$2.50 in / $10.00 out per 1M tokens", "free" or "price unknown". */
export function priceLabel(model: ModelInfo): string {
  const { input_per_1m: input, output_per_1m: output } = model.pricing;
  if (input === null || output === null) return 'price unknown';
  if (input === 0 && output === 0) return 'free';
  return `$${input.toFixed(2)} in / $${output.toFixed(2)} out per 1M tokens`;
}
