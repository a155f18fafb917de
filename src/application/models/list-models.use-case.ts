import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { ModelInfo } from '../../domain/models/model-info';
import { queryModels, type ModelQuery } from '../../domain/models/model-query';
import { ModelCatalogReader, type CatalogSnapshot } from './model-catalog-reader';

/** Distinct queries remembered per catalogue snapshot (filters can combine freely: bounded). */
const MAX_QUERIES_PER_SNAPSHOT = 64;

export interface ModelList {
  items: ModelInfo[];
  /** Served from the last good copy because the source is down. */
  stale: boolean;
  fetched_at: string;
}

export interface ListModelsOptions {
  /** The provider is a resource (`/v1/models/{provider}`): one the catalogue does not know is NOT_FOUND. */
  providerMustExist?: boolean;
}

/**
 * A list is the same object for the same query on the same snapshot, so the HTTP layer can keep
 * its serialised form by identity: a cached `GET /v1/models` neither filters, sorts nor
 * serialises again until the catalogue changes.
 */
@injectable()
export class ListModels {
  private readonly lists = new WeakMap<CatalogSnapshot, Map<string, ModelList>>();

  constructor(@inject(ModelCatalogReader) private readonly catalog: ModelCatalogReader) {}

  async execute(query: ModelQuery, options: ListModelsOptions = {}): Promise<ModelList> {
    const snapshot = await this.catalog.read();
    const provider = query.provider?.toLowerCase();
    if (options.providerMustExist && provider !== undefined && !snapshot.models.some((m) => m.provider?.toLowerCase() === provider)) {
      const known = [...new Set(snapshot.models.map((m) => m.provider).filter((p): p is string => p !== null))].sort();
      throw new AppError('NOT_FOUND', `No models of provider ${query.provider}`, { details: { providers: known } });
    }
    let lists = this.lists.get(snapshot);
    if (!lists) this.lists.set(snapshot, (lists = new Map()));
    const key = JSON.stringify([provider, query.mode, query.capabilities, query.sort, query.order]);
    let list = lists.get(key);
    if (!list) {
      if (lists.size >= MAX_QUERIES_PER_SNAPSHOT) lists.clear();
      list = Object.freeze({ items: queryModels(snapshot.models, query), stale: snapshot.stale, fetched_at: snapshot.fetched_at });
      lists.set(key, list);
    }
    return list;
  }
}
