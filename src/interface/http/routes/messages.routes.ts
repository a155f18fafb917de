import { Type } from 'typebox';
import { EditMessage } from '../../../application/messages/edit-message.use-case';
import { GetMessage } from '../../../application/messages/get-message.use-case';
import { ok, userOf, type RouteSpec } from '../routing/route-spec';
import { IdParams, MESSAGE_CONTENT_MAX, MessageSchema } from '../schemas/conversation.schemas';
import { exampleAssistantMessage, exampleUserMessage } from '../schemas/examples';
import type { RouteDeps } from '../routing/route-deps';

const TAGS = ['Messages'];

export function messageRoutes(deps: RouteDeps): RouteSpec[] {
  const getMessage = deps.get(GetMessage);
  const editMessage = deps.get(EditMessage);

  return [
    {
      method: 'get',
      path: '/v1/messages/{id}',
      operationId: 'getMessage',
      tags: TAGS,
      summary: 'Get a message',
      description: "One message row. Another user's message is `404`, like an unknown id.",
      params: IdParams,
      responses: { 200: { description: 'The message.', schema: MessageSchema, example: exampleAssistantMessage } },
      errors: ['NOT_FOUND', 'UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'],
      async handler(input) {
        return ok(await getMessage.execute(userOf(input), input.params.id));
      },
    },
    {
      method: 'patch',
      path: '/v1/messages/{id}',
      operationId: 'editMessage',
      tags: TAGS,
      summary: 'Edit a user message',
      description:
        'Replaces the content of a **user** message. An assistant or system message answers `422 VALIDATION_ERROR` with `details.role`.',
      params: IdParams,
      body: Type.Object(
        { content: Type.String({ minLength: 1, maxLength: MESSAGE_CONTENT_MAX, description: 'The new text.' }) },
        { additionalProperties: false },
      ),
      bodyExample: { content: 'Plan a three-day trip to Tbilisi on a small budget.' },
      responses: {
        200: {
          description: 'The edited message.',
          schema: MessageSchema,
          example: { ...exampleUserMessage, content: 'Plan a three-day trip to Tbilisi on a small budget.' },
        },
      },
      errors: ['NOT_FOUND', 'UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'],
      async handler(input) {
        return ok(await editMessage.execute(userOf(input), input.params.id, input.body.content));
      },
    },
  ];
}
