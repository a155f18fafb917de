import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { ModelInfo } from '../../domain/models/model-info';
import { queryModels, type ModelQuery } from '../../domain/models/model-query';
import { ModelCatalogReader } from './model-catalog-reader';

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

@injectable()
export class ListModels {
  constructor(@inject(ModelCatalogReader) private readonly catalog: ModelCatalogReader) {}

  async execute(query: ModelQuery, options: ListModelsOptions = {}): Promise<ModelList> {
    const snapshot = await this.catalog.read();
    const provider = query.provider?.toLowerCase();
    if (options.providerMustExist && provider !== undefined && !snapshot.models.some((m) => m.provider?.toLowerCase() === provider)) {
      const known = [...new Set(snapshot.models.map((m) => m.provider).filter((p): p is string => p !== null))].sort();
      throw new AppError('NOT_FOUND', `No models of provider ${query.provider}`, { details: { providers: known } });
    }
    return { items: queryModels(snapshot.models, query), stale: snapshot.stale, fetched_at: snapshot.fetched_at };
  }
}
