import { inject, injectable } from 'tsyringe';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { MODEL_CATALOG_SOURCE, type ModelCatalogSource } from '../../ports/model-catalog.port';
import { CachedReader } from '../cache/cached-reader';
import { ModelCatalogReader } from '../models/model-catalog-reader';

/** The cache kind of the models one user's key may use (LiteLLM `/models` with that key). */
export const ALLOWED_MODELS_CACHE_KIND = 'allowed_models';
/** Short: a model granted to a key is usable within minutes, without a chat turn dropping it each time. */
export const ALLOWED_MODELS_TTL_SECONDS = 300;
/**
 * How long a user's list stays unread after reading it failed (a proxy without `/models`, a key
 * it refuses, an outage): the proxy decides meanwhile, and chats do not pay a failing call each.
 */
export const UNREADABLE_ALLOWED_MODELS_MS = 30_000;
/** Users remembered as unreadable at most (the oldest is forgotten first). */
const MAX_UNREADABLE = 10_000;

/** An id ending in `*` (a LiteLLM wildcard route such as `openai/*`) covers every id it prefixes. */
function covers(id: string, model: string): boolean {
  return id.endsWith('*') ? model.startsWith(id.slice(0, -1)) : id === model;
}

/**
 * Refuses a turn on a model the deployment does not serve, or the user's key may not use, BEFORE
 * anything is stored: refused after the user message was written, the turn would leave it (and
 * maybe a new conversation) behind, and a retry with another model would store it twice. A list
 * that cannot be read lets the model proxy decide, as it always does.
 */
@injectable()
export class ServedModels {
  constructor(
    @inject(ModelCatalogReader) private readonly catalog: ModelCatalogReader,
    @inject(MODEL_CATALOG_SOURCE) private readonly source: ModelCatalogSource,
    @inject(CachedReader) private readonly cache: CachedReader,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Users whose list could not be read, and until when it is not tried again. */
  private readonly unreadableUntil = new Map<string, number>();

  async ensureAllowed(user: UserContext, apiKey: string, model: string): Promise<void> {
    const [served, allowed] = await Promise.all([this.catalog.read().then((c) => c.models, unreadable), this.allowedFor(user, apiKey)]);
    if (served && !served.some((m) => covers(m.id, model))) {
      throw new AppError('MODEL_NOT_ALLOWED', `The model ${model} is not available here (see GET /v1/models)`, { details: { model } });
    }
    // An empty list is a key without restrictions (LiteLLM's meaning).
    if (allowed && allowed.length > 0 && !allowed.some((id) => covers(id, model))) {
      throw new AppError('MODEL_NOT_ALLOWED', `Your plan does not include the model ${model}`, { details: { model } });
    }
  }

  private async allowedFor(user: UserContext, apiKey: string): Promise<string[] | undefined> {
    const until = this.unreadableUntil.get(user.userId);
    if (until !== undefined) {
      if (this.clock.nowMs() < until) return undefined;
      this.unreadableUntil.delete(user.userId);
    }
    try {
      return await this.cache.getOrLoad(ALLOWED_MODELS_CACHE_KIND, user.userId, () => this.source.fetchAllowedModelIds(apiKey));
    } catch {
      if (this.unreadableUntil.size >= MAX_UNREADABLE) this.unreadableUntil.delete(this.unreadableUntil.keys().next().value as string);
      this.unreadableUntil.set(user.userId, this.clock.nowMs() + UNREADABLE_ALLOWED_MODELS_MS);
      return undefined;
    }
  }
}

function unreadable(): undefined {
  return undefined;
}
