import { inject, injectable } from 'tsyringe';
import type { ModelInfo } from '../../domain/models/model-info';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { LOGGER, type Logger } from '../../ports/logger.port';
import { MODEL_CATALOG_SOURCE, type ModelCatalogSource } from '../../ports/model-catalog.port';
import { CachedReader } from '../cache/cached-reader';

/** Cache kinds of the catalogue: the live copy (TTL 1 h) and the last good copy (TTL days). */
export const MODELS_CACHE_KIND = 'models';
export const MODELS_LAST_GOOD_CACHE_KIND = 'models_last_good';
const CATALOG_KEY = 'catalog';
/**
 * How long one replica keeps the catalogue it read in memory, parsed, before asking the cache
 * again (never longer than the catalogue's own TTL). The catalogue is read on every chat and every
 * `GET /v1/models`; without this each read is a cache round trip plus a parse of the whole
 * catalogue. The catalogue is never invalidated, only refreshed by TTL, and the copy never outlives
 * the cached one, so a LiteLLM change shows exactly as late as before.
 */
export const CATALOG_HOT_COPY_MS = 5_000;

interface StoredCatalog {
  models: ModelInfo[];
  /** When the source answered (ISO-8601). */
  fetched_at: string;
}

export interface CatalogSnapshot extends StoredCatalog {
  /** The source is unavailable and this is the last good copy, older than the cache TTL. */
  stale: boolean;
}

/**
 * The model catalogue, cached through the cache-aside layer. Every successful fetch is also kept as
 * the "last good" copy, in two places: the cache kind `models_last_good` (shared by the replicas
 * through Redis, with a TTL of days, so it outlives the catalogue's own TTL) and this singleton's
 * memory (survives a Redis outage). When the source fails and the cached copy has expired, the
 * last good copy is served, marked stale; only with no copy at all does the error reach the caller.
 */
@injectable()
export class ModelCatalogReader {
  private lastGood: StoredCatalog | undefined;
  private servingStale = false;
  /** The last fresh snapshot and until when it is served without a cache read. */
  private hot: { snapshot: CatalogSnapshot; until: number } | undefined;

  constructor(
    @inject(MODEL_CATALOG_SOURCE) private readonly source: ModelCatalogSource,
    @inject(CachedReader) private readonly cache: CachedReader,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The catalogue. A fresh snapshot is the same frozen object for every caller while it is hot, so
   * callers may memoise what they derive from it by its identity (and none can change it).
   */
  async read(): Promise<CatalogSnapshot> {
    const now = this.clock.nowMs();
    if (this.hot && now < this.hot.until) return this.hot.snapshot;
    try {
      const catalog = await this.cache.getOrLoad(MODELS_CACHE_KIND, CATALOG_KEY, () => this.fetch());
      if (this.servingStale) {
        this.servingStale = false;
        this.logger.info({ fetched_at: catalog.fetched_at }, 'model catalogue source available again');
      }
      const snapshot = deepFreeze({ ...catalog, stale: false });
      // Never past the cached copy's own expiry (it was stored when the source answered).
      const until = Math.min(now + CATALOG_HOT_COPY_MS, Date.parse(catalog.fetched_at) + this.cache.ttlSecondsOf(MODELS_CACHE_KIND) * 1000);
      this.hot = until > now ? { snapshot, until } : undefined;
      return snapshot;
    } catch (err) {
      const last = await this.lastGoodCopy();
      if (!last) throw err;
      if (!this.servingStale) {
        this.servingStale = true;
        const e = err as { code?: string; message?: string };
        this.logger.warn(
          { error: e.code ?? e.message, fetched_at: last.fetched_at },
          'model catalogue source unavailable; serving the last good copy',
        );
      }
      return { ...last, stale: true };
    }
  }

  private async fetch(): Promise<StoredCatalog> {
    const models = await this.source.fetchCatalog();
    const catalog = { models, fetched_at: this.clock.now().toISOString() };
    this.lastGood = catalog;
    await this.cache.put(MODELS_LAST_GOOD_CACHE_KIND, CATALOG_KEY, catalog);
    return catalog;
  }

  /** The newer of the shared last good copy (maybe fetched by another replica) and ours. */
  private async lastGoodCopy(): Promise<StoredCatalog | undefined> {
    const shared = await this.cache.peek<StoredCatalog>(MODELS_LAST_GOOD_CACHE_KIND, CATALOG_KEY);
    if (!shared) return this.lastGood;
    if (!this.lastGood) return shared;
    return shared.fetched_at > this.lastGood.fetched_at ? shared : this.lastGood;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
