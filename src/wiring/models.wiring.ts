import { LiteLlmModelCatalog } from '../adapters/litellm/litellm-model-catalog';
import { LocalModelCatalog } from '../adapters/memory/local-model-catalog';
import { GetModel } from '../application/models/get-model.use-case';
import { ListModels } from '../application/models/list-models.use-case';
import { MODELS_CACHE_KIND, MODELS_LAST_GOOD_CACHE_KIND, ModelCatalogReader } from '../application/models/model-catalog-reader';
import { MODEL_CATALOG_SOURCE } from '../ports/model-catalog.port';
import { host, type FeatureModule } from './shared';

/** The model catalogue: LiteLLM `/model/info` with the master key, or the built-in local model(s). */
export const models: FeatureModule = {
  name: 'models',
  register(c, config, { litellm, logger, cacheKinds, bind }) {
    cacheKinds[MODELS_CACHE_KIND] = { ttlSeconds: config.cacheTtlModelsSeconds };
    // Outlives the catalogue's TTL: served, marked stale, while LiteLLM is down.
    cacheKinds[MODELS_LAST_GOOD_CACHE_KIND] = { ttlSeconds: 7 * 24 * 3600 };
    c.registerInstance(
      MODEL_CATALOG_SOURCE,
      litellm
        ? new LiteLlmModelCatalog(litellm, { masterKey: config.litellmMasterKey }, logger.child({ component: 'model-catalog' }))
        : new LocalModelCatalog(),
    );
    bind('ModelCatalogSource', litellm ? 'litellm' : 'local', litellm ? host(config.litellmUrl) : 'local/echo');
    c.registerSingleton(ModelCatalogReader);
    c.registerSingleton(ListModels);
    c.registerSingleton(GetModel);
  },
};
