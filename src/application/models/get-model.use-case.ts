import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { ModelInfo } from '../../domain/models/model-info';
import { ModelCatalogReader } from './model-catalog-reader';

export interface ModelDetails {
  model: ModelInfo;
  stale: boolean;
  fetched_at: string;
}

@injectable()
export class GetModel {
  constructor(@inject(ModelCatalogReader) private readonly catalog: ModelCatalogReader) {}

  /** Exact id first; ids are matched case-insensitively only when that is unambiguous. */
  async execute(id: string): Promise<ModelDetails> {
    const snapshot = await this.catalog.read();
    let model = snapshot.models.find((m) => m.id === id);
    if (!model) {
      const lower = id.toLowerCase();
      const candidates = snapshot.models.filter((m) => m.id.toLowerCase() === lower);
      if (candidates.length === 1) model = candidates[0];
    }
    if (!model) throw new AppError('NOT_FOUND', `Model ${id} not found`);
    return { model, stale: snapshot.stale, fetched_at: snapshot.fetched_at };
  }
}
