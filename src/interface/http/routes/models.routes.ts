import { Type } from 'typebox';
import { GetModel } from '../../../application/models/get-model.use-case';
import { ListModels, type ModelList } from '../../../application/models/list-models.use-case';
import { MODEL_SORT_FIELDS, type ModelQuery, type ModelSortField, type SortOrder } from '../../../domain/models/model-query';
import { ok, type RouteSpec } from '../routing/route-spec';
import { serialisedOnce } from '../routing/serialised-once';
import type { RouteDeps } from '../routing/route-deps';

const NullableNumber = (description: string) => Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description });
const NullableInteger = (description: string) => Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description });

export const ModelInfoSchema = Type.Object(
  {
    id: Type.String({ description: 'What to send as `model`. May contain `/` and `.` (URL-encode it in paths).' }),
    provider: Type.Union([Type.String(), Type.Null()], { description: 'e.g. `openai`, `anthropic`; null when LiteLLM does not say.' }),
    mode: Type.Union([Type.String(), Type.Null()], { description: '`chat`, `embedding`, `completion`, `image_generation`, ...' }),
    context_window: NullableInteger('Maximum input tokens.'),
    max_output_tokens: NullableInteger('Maximum tokens of one reply.'),
    pricing: Type.Object({
      input_per_1m: NullableNumber('USD per 1M input tokens.'),
      output_per_1m: NullableNumber('USD per 1M output tokens.'),
      currency: Type.Literal('USD'),
    }),
    capabilities: Type.Object(
      {
        function_calling: Type.Union([Type.Boolean(), Type.Null()]),
        vision: Type.Union([Type.Boolean(), Type.Null()]),
      },
      {
        additionalProperties: Type.Union([Type.Boolean(), Type.Null()]),
        description:
          "LiteLLM's `supports_*` flags without the prefix (`function_calling`, `vision`, `response_schema`, `prompt_caching`, ...); null when unknown. " +
          'For a model served by several deployments, a capability is true only if no deployment lacks it.',
      },
    ),
  },
  {
    'x-component': 'ModelInfo',
    description:
      'A model of the catalogue. Fields LiteLLM does not know are null. For a model served by several deployments the smallest limits and the highest prices are shown.',
  },
);

const CatalogMeta = {
  stale: Type.Boolean({
    description: 'True when LiteLLM is unreachable and this is the last good catalogue, older than the cache TTL (1 h by default).',
  }),
  fetched_at: Type.String({ format: 'date-time', description: 'When this catalogue was fetched from LiteLLM.' }),
};

const ModelListSchema = Type.Object({ items: Type.Array(ModelInfoSchema), count: Type.Integer({ minimum: 0 }), ...CatalogMeta });

const ListQueryFields = {
  mode: Type.Optional(Type.String({ maxLength: 40, pattern: '^[a-z0-9_]{1,40}$', description: 'Only models of this mode, e.g. `chat`.' })),
  capability: Type.Optional(
    Type.String({
      maxLength: 410,
      pattern: '^[a-z0-9_]{1,40}(,[a-z0-9_]{1,40}){0,9}$',
      description: 'Only models with every listed capability (comma-separated), e.g. `vision` or `function_calling,vision`.',
    }),
  ),
  sort: Type.Optional(
    Type.Enum([...MODEL_SORT_FIELDS], { default: 'id', description: 'Sort key; unknown values (null) always come last.' }),
  ),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { default: 'asc', description: 'Sort direction.' })),
};

const ProviderName = Type.String({
  maxLength: 64,
  pattern: '^[A-Za-z0-9_.-]{1,64}$',
  description: 'Provider, e.g. `openai` (case-insensitive).',
});

interface ListQuery {
  provider?: string;
  mode?: string;
  capability?: string;
  sort?: ModelSortField;
  order?: SortOrder;
}

function toModelQuery(q: ListQuery, provider?: string): ModelQuery {
  return {
    provider: provider ?? q.provider,
    mode: q.mode,
    capabilities: q.capability?.split(','),
    sort: q.sort,
    order: q.order,
  };
}

const exampleGpt4o = {
  id: 'gpt-4o',
  provider: 'openai',
  mode: 'chat',
  context_window: 128000,
  max_output_tokens: 16384,
  pricing: { input_per_1m: 2.5, output_per_1m: 10, currency: 'USD' },
  capabilities: { function_calling: true, vision: true, response_schema: true, prompt_caching: true },
};

const exampleClaude = {
  id: 'anthropic/claude-3-5-sonnet',
  provider: 'anthropic',
  mode: 'chat',
  context_window: 200000,
  max_output_tokens: 8192,
  pricing: { input_per_1m: 3, output_per_1m: 15, currency: 'USD' },
  capabilities: { function_calling: true, vision: true, pdf_input: true },
};

const FETCHED_AT = '2026-01-01T12:00:00.000Z';

const CATALOGUE_ERRORS = ['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'RATE_LIMITED'] as const;

const CACHE_NOTE =
  'The catalogue comes from LiteLLM `/model/info` and is cached (1 h by default). When LiteLLM is down after that, ' +
  'the last good catalogue is served with `stale: true`; an error is returned only when no catalogue was ever fetched.';

export function modelsRoutes(deps: RouteDeps): RouteSpec[] {
  const listModels = deps.get(ListModels);
  const getModel = deps.get(GetModel);
  const listReply = serialisedOnce(
    (list: ModelList) => ({ items: list.items, count: list.items.length, stale: list.stale, fetched_at: list.fetched_at }),
    { envelope: true },
  );

  return [
    {
      method: 'get',
      path: '/v1/models',
      operationId: 'listModels',
      tags: ['Models'],
      summary: 'List models with pricing, context limits and capabilities',
      description: `Every model the gateway can route to. Filters combine (AND). ${CACHE_NOTE}`,
      query: Type.Object(
        {
          provider: Type.Optional(ProviderName),
          ...ListQueryFields,
        },
        { additionalProperties: false },
      ),
      responses: {
        200: {
          description: 'The models.',
          schema: ModelListSchema,
          example: { items: [exampleClaude, exampleGpt4o], count: 2, stale: false, fetched_at: FETCHED_AT },
        },
      },
      errors: [...CATALOGUE_ERRORS],
      async handler({ query }) {
        return listReply(await listModels.execute(toModelQuery(query as ListQuery)));
      },
    },
    {
      method: 'get',
      path: '/v1/models/{provider}',
      operationId: 'listProviderModels',
      tags: ['Models'],
      summary: "List one provider's models",
      description: `The models of one provider, with the same filters and sorting as \`GET /v1/models\`. A provider the catalogue does not know is 404 (\`details.providers\` lists the known ones). ${CACHE_NOTE}`,
      params: Type.Object({ provider: ProviderName }, { additionalProperties: false }),
      query: Type.Object(ListQueryFields, { additionalProperties: false }),
      responses: {
        200: {
          description: "The provider's models.",
          schema: Type.Object({ provider: Type.String(), ...ModelListSchema.properties }),
          example: { provider: 'openai', items: [exampleGpt4o], count: 1, stale: false, fetched_at: FETCHED_AT },
        },
      },
      errors: ['NOT_FOUND', ...CATALOGUE_ERRORS],
      async handler({ params, query }) {
        const provider = (params as { provider: string }).provider.toLowerCase();
        const list = await listModels.execute(toModelQuery(query as ListQuery, provider), { providerMustExist: true });
        return ok({ provider, items: list.items, count: list.items.length, stale: list.stale, fetched_at: list.fetched_at });
      },
    },
    {
      method: 'get',
      path: '/v1/models/{model_id}/info',
      // Ids contain `/`: URL-encoded (`openai%2Fgpt-4o`) or not, both reach this route.
      routerPath: '/v1/models/*model_id/info',
      operationId: 'getModelInfo',
      tags: ['Models'],
      summary: 'One model with pricing, context limits and capabilities',
      description: `Model ids may contain \`/\` and \`.\`: URL-encode the id (\`/v1/models/anthropic%2Fclaude-3-5-sonnet/info\`); the unencoded form is accepted too. An unknown id is 404. ${CACHE_NOTE}`,
      params: Type.Object(
        {
          model_id: Type.String({ minLength: 1, maxLength: 256, description: 'The model id, URL-encoded, e.g. `openai%2Fgpt-4o`.' }),
        },
        { additionalProperties: false },
      ),
      responses: {
        200: {
          description: 'The model.',
          schema: Type.Object({ model: ModelInfoSchema, ...CatalogMeta }),
          example: { model: exampleClaude, stale: false, fetched_at: FETCHED_AT },
        },
      },
      errors: ['NOT_FOUND', ...CATALOGUE_ERRORS],
      async handler({ params }) {
        return ok(await getModel.execute((params as { model_id: string }).model_id));
      },
    },
  ];
}
