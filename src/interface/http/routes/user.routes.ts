import { GetBalance } from '../../../application/user/get-balance.use-case';
import { GetProfile } from '../../../application/user/get-profile.use-case';
import { UpdateProfile } from '../../../application/user/update-profile.use-case';
import type { UserContext } from '../../../domain/user/user-context';
import type { ProfilePatch } from '../../../domain/user/user-profile';
import { ok, type RouteSpec } from '../routing/route-spec';
import { exampleBalance, exampleProfile, UpdateProfileBody, UserBalanceSchema, UserProfileSchema } from '../schemas/user.schemas';
import type { RouteDeps } from '../routing/route-deps';

/** Errors every user route can meet on the way to `user_profiles`. */
const UPSTREAM_ERRORS = ['NOT_FOUND', 'UPSTREAM_ERROR', 'UPSTREAM_CONTRACT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT'] as const;

export function userRoutes(deps: RouteDeps): RouteSpec[] {
  const getProfile = deps.get(GetProfile);
  const updateProfile = deps.get(UpdateProfile);
  const getBalance = deps.get(GetBalance);

  return [
    {
      method: 'get',
      path: '/v1/user/profile',
      operationId: 'getUserProfile',
      tags: ['User'],
      summary: "The caller's profile",
      description:
        "The caller's `user_profiles` row: identity, display preferences, spend and budget. Cached up to 15 minutes; " +
        'a profile change or a finished chat drops the cached copy. The LiteLLM key of the account is never returned.',
      responses: { 200: { description: 'The profile.', schema: UserProfileSchema, example: exampleProfile } },
      errors: [...UPSTREAM_ERRORS],
      async handler({ user }) {
        return ok(await getProfile.execute(user as UserContext));
      },
    },
    {
      method: 'patch',
      path: '/v1/user/profile',
      operationId: 'updateUserProfile',
      tags: ['User'],
      summary: "Change the caller's profile",
      description:
        'Changes `display_name`, `default_model` (a model of `GET /v1/models`), `locale` and `preferences` (replaced as a whole); ' +
        'a field left out is unchanged, null clears it. The body allows no other property: `spend`, `max_budget`, `litellm_key`, ' +
        '`email`, `id` or any unknown field is a 422 `VALIDATION_ERROR` with one entry per field in `details.fields`, and nothing is written. ' +
        'Answers the updated profile; the next `GET` shows it.',
      body: UpdateProfileBody,
      bodyExample: { display_name: 'Ada', default_model: 'openai/gpt-4o-mini', locale: 'en-US', preferences: { theme: 'dark' } },
      responses: { 200: { description: 'The updated profile.', schema: UserProfileSchema, example: exampleProfile } },
      errors: [...UPSTREAM_ERRORS],
      async handler({ user, body }) {
        return ok(await updateProfile.execute(user as UserContext, body as ProfilePatch));
      },
    },
    {
      method: 'get',
      path: '/v1/user/balance',
      operationId: 'getUserBalance',
      tags: ['User'],
      summary: "The caller's balance",
      description:
        'Budget, spend and what is left, in USD, from the `user_profiles` row: the numbers the platform enforces ' +
        '(no chat starts at `available_balance <= 0`). Cached with the profile; a finished chat drops the cached copy.',
      responses: { 200: { description: 'The balance.', schema: UserBalanceSchema, example: exampleBalance } },
      errors: [...UPSTREAM_ERRORS],
      async handler({ user }) {
        return ok(await getBalance.execute(user as UserContext));
      },
    },
  ];
}
