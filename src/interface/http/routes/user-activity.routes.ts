import { GetConversationStats } from '../../../application/user/get-conversation-stats.use-case';
import { GetUsage } from '../../../application/user/get-usage.use-case';
import { ok, userOf, type RouteSpec } from '../routing/route-spec';
import { ConversationStatsSchema, exampleConversationStats, exampleUsage, UsageQuery, UsageSchema } from '../schemas/user-activity.schemas';
import type { RouteDeps } from '../routing/route-deps';

const UPSTREAM = ['UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'] as const;

/** The caller's usage and conversation statistics, computed from the conversation index. */
export function userActivityRoutes(deps: RouteDeps): RouteSpec[] {
  const getUsage = deps.get(GetUsage);
  const getConversationStats = deps.get(GetConversationStats);

  return [
    {
      method: 'get',
      path: '/v1/user/usage',
      operationId: 'getUserUsage',
      tags: ['User'],
      summary: "The caller's usage: requests, tokens, cost",
      description:
        'Usage over a date range (default: the last 30 UTC days; at most 366 days; an inverted range is 422), per UTC day ' +
        '(every day of the range, empty ones included) or per model. Where the numbers come from: every assistant reply saved in ' +
        "the caller's conversations is one request; its `tokens_count` (the completion tokens the chat flow saved) are its tokens; " +
        "cost is those tokens at the output price of the reply's model in the model catalogue (`GET /v1/models`). Prompt tokens are " +
        'not stored with messages, so they are not counted: the money actually charged is `spend` in `GET /v1/user/balance`. ' +
        'Replies of deleted conversations are gone from these figures. Cached for a minute; a finished chat drops the cached copy.',
      query: UsageQuery,
      responses: { 200: { description: 'The usage report.', schema: UsageSchema, example: exampleUsage } },
      errors: [...UPSTREAM],
      async handler(input) {
        return ok(await getUsage.execute(userOf(input), input.query));
      },
    },
    {
      method: 'get',
      path: '/v1/user/conversations/stats',
      operationId: 'getUserConversationStats',
      tags: ['User'],
      summary: "Statistics of the caller's conversations",
      description:
        "How many conversations, messages and branches the caller has (all branches), the same per model (the conversation's " +
        'model), and the activity of the last 30 UTC days: conversations created and messages written per day, conversations ' +
        'active in the window, the last activity. From the conversation index; cached for a minute, and dropped by batch updates, ' +
        'deletions and finished chats.',
      responses: { 200: { description: 'The statistics.', schema: ConversationStatsSchema, example: exampleConversationStats } },
      errors: [...UPSTREAM],
      async handler(input) {
        return ok(await getConversationStats.execute(userOf(input)));
      },
    },
  ];
}
