import type { ModelInfo } from './model-info';

export const MODEL_SORT_FIELDS = ['id', 'provider', 'context_window', 'max_output_tokens', 'input_price', 'output_price'] as const;
export type ModelSortField = (typeof MODEL_SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';

export interface ModelQuery {
  /** Case-insensitive. */
  provider?: string;
  mode?: string;
  /** Every one must be `true` (names without `supports_`, e.g. `vision`, `function_calling`). */
  capabilities?: string[];
  sort?: ModelSortField;
  order?: SortOrder;
}

function sortValue(model: ModelInfo, field: ModelSortField): string | number | null {
  switch (field) {
    case 'id':
      return model.id.toLowerCase();
    case 'provider':
      return model.provider;
    case 'context_window':
      return model.context_window;
    case 'max_output_tokens':
      return model.max_output_tokens;
    case 'input_price':
      return model.pricing.input_per_1m;
    case 'output_price':
      return model.pricing.output_per_1m;
  }
}

export function matchesQuery(model: ModelInfo, query: ModelQuery): boolean {
  if (query.provider !== undefined && model.provider?.toLowerCase() !== query.provider.toLowerCase()) return false;
  if (query.mode !== undefined && model.mode?.toLowerCase() !== query.mode.toLowerCase()) return false;
  for (const capability of query.capabilities ?? []) {
    if (model.capabilities[capability] !== true) return false;
  }
  return true;
}

/**
 * Filters and sorts a catalogue. Unknown values (null) sort last in either order, because a model
 * whose price is unknown is neither the cheapest nor the dearest; ties fall back to the id.
 */
export function queryModels(models: readonly ModelInfo[], query: ModelQuery): ModelInfo[] {
  const field = query.sort ?? 'id';
  const direction = query.order === 'desc' ? -1 : 1;
  return models
    .filter((m) => matchesQuery(m, query))
    .sort((a, b) => {
      const va = sortValue(a, field);
      const vb = sortValue(b, field);
      if (va !== vb) {
        if (va === null) return 1;
        if (vb === null) return -1;
        return (va < vb ? -1 : 1) * direction;
      }
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
}
