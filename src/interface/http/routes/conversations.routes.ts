import { Type } from 'typebox';
import { ActivateBranch } from '../../../application/conversations/activate-branch.use-case';
import { CreateBranch } from '../../../application/conversations/create-branch.use-case';
import { CreateConversation } from '../../../application/conversations/create-conversation.use-case';
import { GetConversationFull } from '../../../application/conversations/get-conversation-full.use-case';
import { GetConversation } from '../../../application/conversations/get-conversation.use-case';
import { ListBranches } from '../../../application/conversations/list-branches.use-case';
import { ListConversations } from '../../../application/conversations/list-conversations.use-case';
import { UpdateConversation } from '../../../application/conversations/update-conversation.use-case';
import { AppError } from '../../../domain/errors/app-error';
import type { ErrorCode } from '../../../domain/errors/error-codes';
import { ok, userOf, type RouteSpec } from '../routing/route-spec';
import { PageQuery, Uuid } from '../schemas/common.schemas';
import {
  BRANCH_NAME_MAX,
  BranchSchema,
  BranchViewSchema,
  ConversationFullSchema,
  ConversationPageSchema,
  ConversationSchema,
  IdParams,
  ModelId,
  Settings,
  Title,
} from '../schemas/conversation.schemas';
import { ListFilterQuery } from '../schemas/conversation-search.schemas';
import { EX, exampleAssistantMessage, exampleBranch, exampleConversation, exampleUserMessage } from '../schemas/examples';
import type { RouteDeps } from '../routing/route-deps';

const TAGS = ['Conversations'];

/** What the conversation store (the Edge Function, or its in-memory twin) can answer besides the data. */
const STORE_ERRORS: ErrorCode[] = ['UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'];

const exampleBranchView = {
  id: EX.mainBranchId,
  conversation_id: EX.conversationId,
  parent_message_id: null,
  name: 'Main',
  created_at: EX.created,
  is_active: true,
  leaf_message_id: EX.assistantMessageId,
  message_count: 2,
  own_message_count: 2,
  last_message_at: EX.updated,
};

export function conversationRoutes(deps: RouteDeps): RouteSpec[] {
  const createConversation = deps.get(CreateConversation);
  const listConversations = deps.get(ListConversations);
  const getConversation = deps.get(GetConversation);
  const getConversationFull = deps.get(GetConversationFull);
  const updateConversation = deps.get(UpdateConversation);
  const listBranches = deps.get(ListBranches);
  const createBranch = deps.get(CreateBranch);
  const activateBranch = deps.get(ActivateBranch);

  return [
    {
      method: 'post',
      path: '/v1/conversations',
      operationId: 'createConversation',
      tags: TAGS,
      summary: 'Create an empty conversation',
      description:
        'Creates a conversation with its `Main` branch. Without a `model` the deployment default is used. ' +
        'Without a `title` the first 50 characters of the first reply become the title.',
      body: Type.Object({ title: Type.Optional(Title), model: Type.Optional(ModelId) }, { additionalProperties: false }),
      bodyExample: { title: 'Trip planning for Tbilisi', model: 'gpt-4o' },
      responses: { 201: { description: 'The new conversation.', schema: ConversationSchema, example: exampleConversation } },
      errors: STORE_ERRORS,
      async handler(input) {
        return ok(await createConversation.execute(userOf(input), input.body), 201);
      },
    },
    {
      method: 'get',
      path: '/v1/conversations',
      operationId: 'listConversations',
      tags: TAGS,
      summary: "List the caller's conversations",
      description:
        'Most recently updated first, paginated (`limit` at most 100). Filters: `q` (the title or some message contains it, ' +
        'literally and ignoring case, as in search), `model`, `date_from`/`date_to` (creation of the conversation; inverted is 422) ' +
        "and `sort`. Without filters the list is the Edge Function's own; with any of them it comes from the conversation index " +
        '(Supabase REST on the same tables), with the same item shape.',
      query: Type.Object({ ...PageQuery, ...ListFilterQuery }, { additionalProperties: false }),
      responses: {
        200: {
          description: 'One page of conversations.',
          schema: ConversationPageSchema,
          example: {
            items: [
              {
                id: EX.conversationId,
                title: 'Trip planning for Tbilisi',
                model: 'gpt-4o',
                created_at: EX.created,
                updated_at: EX.updated,
              },
            ],
            pagination: { page: 1, limit: 20, total: 1, pages: 1 },
          },
        },
      },
      errors: STORE_ERRORS,
      async handler(input) {
        return ok(await listConversations.execute(userOf(input), input.query));
      },
    },
    {
      method: 'get',
      path: '/v1/conversations/{id}',
      operationId: 'getConversation',
      tags: TAGS,
      summary: 'Get a conversation',
      description: "The conversation row. Another user's conversation is `404`, like an unknown id.",
      params: IdParams,
      responses: { 200: { description: 'The conversation.', schema: ConversationSchema, example: exampleConversation } },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        return ok(await getConversation.execute(userOf(input), input.params.id));
      },
    },
    {
      method: 'get',
      path: '/v1/conversations/{id}/full',
      operationId: 'getConversationFull',
      tags: TAGS,
      summary: 'Get a conversation with every branch and message',
      description:
        'The conversation, its branches with statistics, every message of every branch (oldest first) and a tree view: ' +
        "each message's children (a message with several children is a fork point), the leaf each branch ends at, and the active thread.",
      params: IdParams,
      responses: {
        200: {
          description: 'The full conversation.',
          schema: ConversationFullSchema,
          example: {
            conversation: exampleConversation,
            branches: [exampleBranchView],
            messages: [exampleUserMessage, exampleAssistantMessage],
            tree: {
              roots: [EX.userMessageId],
              children: { [EX.userMessageId]: [EX.assistantMessageId], [EX.assistantMessageId]: [] },
              active_thread: [EX.userMessageId, EX.assistantMessageId],
            },
          },
        },
      },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        return ok(await getConversationFull.execute(userOf(input), input.params.id));
      },
    },
    {
      method: 'patch',
      path: '/v1/conversations/{id}',
      operationId: 'updateConversation',
      tags: TAGS,
      summary: 'Rename a conversation, change its model or settings',
      description: 'At least one field. The title is trimmed and must not be blank.',
      params: IdParams,
      body: Type.Object(
        { title: Type.Optional(Title), model: Type.Optional(ModelId), settings: Type.Optional(Settings) },
        { additionalProperties: false, minProperties: 1 },
      ),
      bodyExample: { title: 'Tbilisi, three days' },
      responses: {
        200: {
          description: 'The updated conversation.',
          schema: ConversationSchema,
          example: { ...exampleConversation, title: 'Tbilisi, three days' },
        },
      },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        return ok(await updateConversation.execute(userOf(input), input.params.id, input.body));
      },
    },
    {
      method: 'get',
      path: '/v1/conversations/{id}/branches',
      operationId: 'listBranches',
      tags: TAGS,
      summary: 'List the branches of a conversation',
      description: 'Every branch with its statistics: message count, own message count, creation, last message, whether it is active.',
      params: IdParams,
      responses: {
        200: {
          description: 'The branches, oldest first.',
          schema: Type.Array(BranchViewSchema),
          example: [
            exampleBranchView,
            {
              ...exampleBranch,
              is_active: false,
              leaf_message_id: EX.altAssistantMessageId,
              message_count: 2,
              own_message_count: 1,
              last_message_at: EX.updated,
            },
          ],
        },
      },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        return ok(await listBranches.execute(userOf(input), input.params.id));
      },
    },
    {
      method: 'post',
      path: '/v1/conversations/{id}/branches',
      operationId: 'createBranch',
      tags: TAGS,
      summary: 'Create a branch from a message',
      description:
        'The new branch continues from the given message (`from_message_id`, or `parent_message_id` as the Edge Function calls it: send one). ' +
        'It does not become active by itself: activate it to make it the visible thread.',
      params: IdParams,
      body: Type.Object(
        {
          from_message_id: Type.Optional(Uuid),
          parent_message_id: Type.Optional(Uuid),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: BRANCH_NAME_MAX })),
        },
        { additionalProperties: false },
      ),
      bodyExample: { from_message_id: EX.userMessageId, name: 'Budget version' },
      responses: { 201: { description: 'The new branch.', schema: BranchSchema, example: { ...exampleBranch, name: 'Budget version' } } },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        const body = input.body as { from_message_id?: string; parent_message_id?: string; name?: string };
        const from = body.from_message_id ?? body.parent_message_id;
        if (!from || (body.from_message_id && body.parent_message_id && body.from_message_id !== body.parent_message_id)) {
          throw new AppError('VALIDATION_ERROR', 'The request is invalid', {
            details: {
              fields: [{ path: 'from_message_id', message: 'send exactly one of from_message_id or parent_message_id', location: 'body' }],
            },
          });
        }
        const branch = await createBranch.execute(userOf(input), input.params.id, { from_message_id: from, name: body.name });
        return ok(branch, 201);
      },
    },
    {
      method: 'post',
      path: '/v1/conversations/{id}/branches/{branch_id}/activate',
      operationId: 'activateBranch',
      tags: TAGS,
      summary: 'Make a branch the visible thread',
      description: 'Sets the active branch of the conversation and answers the conversation as it now is. No body.',
      params: Type.Object({ id: Uuid, branch_id: Uuid }, { additionalProperties: false }),
      responses: {
        200: {
          description: 'The conversation with its new active branch.',
          schema: ConversationSchema,
          example: { ...exampleConversation, active_branch_id: EX.altBranchId },
        },
      },
      errors: ['NOT_FOUND', ...STORE_ERRORS],
      async handler(input) {
        return ok(await activateBranch.execute(userOf(input), input.params.id, input.params.branch_id));
      },
    },
  ];
}
