import { Type } from 'typebox';
import { GetModel } from '../../../application/models/get-model.use-case';
import { ListModels, type ModelList } from '../../../application/models/list-models.use-case';
import type { ModelInfo } from '../../../domain/models/model-info';
import type { RouteDeps } from '../routing/route-deps';
import { raw, type RouteSpec } from '../routing/route-spec';
import { serialisedOnce } from '../routing/serialised-once';
import { chatRoutes } from './chat.routes';

/**
 * The OpenAI-compatible mount: what the official SDKs call when `baseURL` is `<gateway>/openai/v1`,
 * in OpenAI's shapes (no envelope). `/v1/*` keeps the gateway's envelope.
 */
export const OPENAI_MOUNT = '/openai/v1';
const TAG = 'OpenAI compatible';

const OpenAiModelSchema = Type.Object(
  {
    id: Type.String({ description: 'What to send as `model`.' }),
    object: Type.Literal('model'),
    created: Type.Integer({ description: 'Unix seconds: when the gateway last read the model catalogue.' }),
    owned_by: Type.String({ description: 'The provider, or `litellm` when the catalogue does not say.' }),
  },
  { 'x-component': 'OpenAiModel' },
);

const OpenAiModelListSchema = Type.Object(
  { object: Type.Literal('list'), data: Type.Array(OpenAiModelSchema) },
  { 'x-component': 'OpenAiModelList' },
);

const ModelParams = Type.Object(
  { model: Type.String({ minLength: 1, maxLength: 200, description: 'A model id; URL-encode a `/` in it (`openai%2Fgpt-4o`).' }) },
  { additionalProperties: false },
);

const EXAMPLE_MODEL = { id: 'local/echo', object: 'model', created: 1768469400, owned_by: 'local' };

function openAiModel(model: ModelInfo, fetchedAt: string): Record<string, unknown> {
  return { id: model.id, object: 'model', created: Math.floor(Date.parse(fetchedAt) / 1000), owned_by: model.provider ?? 'litellm' };
}

export function openAiRoutes(deps: RouteDeps): RouteSpec[] {
  const listModels = deps.get(ListModels);
  const listReply = serialisedOnce(
    (list: ModelList) => ({ object: 'list', data: list.items.map((m) => openAiModel(m, list.fetched_at)) }),
    { envelope: false },
  );
  const getModel = deps.get(GetModel);
  const chat = chatRoutes(deps).find((r) => r.operationId === 'createChatCompletion');
  if (!chat) throw new Error('the chat completion route is missing');
  return [
    {
      ...chat,
      path: `${OPENAI_MOUNT}/chat/completions`,
      operationId: 'createOpenAiChatCompletion',
      tags: [TAG],
      summary: 'Chat completion for OpenAI SDKs (same operation as POST /v1/chat/completions)',
      description:
        "`POST /v1/chat/completions` under the OpenAI-compatible mount: point an OpenAI SDK's `baseURL` at `<gateway>/openai/v1` and use the " +
        "user's access token as API key. Without `stream` the OpenAI form answers one `chat.completion` object, as OpenAI does.\n\n" +
        chat.description,
    },
    {
      method: 'get',
      path: `${OPENAI_MOUNT}/models`,
      operationId: 'listOpenAiModels',
      tags: [TAG],
      summary: 'List the models in OpenAI’s shape',
      description:
        'Every model of the catalogue as OpenAI lists them (`client.models.list()`): `{object: "list", data: [{id, object: "model", created, owned_by}]}`, without the envelope. ' +
        'Prices, limits and capabilities are at `GET /v1/models`.',
      responses: {
        200: {
          description: 'The models.',
          envelope: false,
          schema: OpenAiModelListSchema,
          example: { object: 'list', data: [EXAMPLE_MODEL] },
        },
      },
      errors: ['UPSTREAM_ERROR'],
      async handler() {
        return listReply(await listModels.execute({}));
      },
    },
    {
      method: 'get',
      path: `${OPENAI_MOUNT}/models/{model}`,
      operationId: 'retrieveOpenAiModel',
      tags: [TAG],
      summary: 'One model in OpenAI’s shape',
      description: 'One model as OpenAI answers it (`client.models.retrieve(id)`), without the envelope; an unknown id is `404 NOT_FOUND`.',
      params: ModelParams,
      responses: { 200: { description: 'The model.', envelope: false, schema: OpenAiModelSchema, example: EXAMPLE_MODEL } },
      errors: ['NOT_FOUND', 'UPSTREAM_ERROR'],
      async handler({ params }) {
        const found = await getModel.execute((params as { model: string }).model);
        return raw(openAiModel(found.model, found.fetched_at));
      },
    },
  ];
}
