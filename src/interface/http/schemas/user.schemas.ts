import { Type, type TSchema } from 'typebox';
import { MAX_PREFERENCES_BYTES } from '../../../application/user/update-profile.use-case';
import { MAX_BYTES_KEYWORD } from '../../../support/json-schema';
import { Timestamp, Uuid } from './common.schemas';

/** `string | null` as one JSON-schema type list, so a bad value gets one clear error, not three. */
function nullableString(options: { minLength?: number; maxLength: number; pattern?: string; description: string }): TSchema {
  return Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });
}

const Preferences = Type.Record(Type.String(), Type.Unknown(), {
  maxProperties: 50,
  propertyNames: { maxLength: 64 },
  [MAX_BYTES_KEYWORD]: MAX_PREFERENCES_BYTES,
  description: `Free-form client settings (theme, language of replies, ...): at most 50 keys of up to 64 characters, ${MAX_PREFERENCES_BYTES} bytes as JSON. Replaced as a whole on PATCH.`,
});

const LOCALE_PATTERN = '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$';

export const UserProfileSchema = Type.Object(
  {
    id: Uuid,
    email: Type.Union([Type.String(), Type.Null()], { description: 'Sign-in e-mail; not editable here.' }),
    display_name: Type.Union([Type.String(), Type.Null()], { description: 'Name shown in the app.' }),
    default_model: Type.Union([Type.String(), Type.Null()], { description: 'Model used when a chat names none.' }),
    locale: Type.Union([Type.String(), Type.Null()], { description: 'BCP 47 language tag, e.g. `en-US`.' }),
    preferences: Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form client settings.' }),
    spend: Type.Number({ description: 'USD spent so far.' }),
    max_budget: Type.Number({ description: 'USD limit of the account.' }),
    available_balance: Type.Number({ description: '`max_budget - spend`; at 0 or below no chat can start (402).' }),
    created_at: Type.Union([Timestamp, Type.Null()]),
    updated_at: Type.Union([Timestamp, Type.Null()]),
  },
  { 'x-component': 'UserProfile', description: "The caller's profile. The account's LiteLLM key is never part of it." },
);

export const UserBalanceSchema = Type.Object(
  {
    max_budget: Type.Number({ description: 'USD limit of the account.' }),
    spend: Type.Number({ description: 'USD spent so far.' }),
    available_balance: Type.Number({ description: '`max_budget - spend`; at 0 or below no chat can start (402 `INSUFFICIENT_BALANCE`).' }),
    currency: Type.Literal('USD'),
    source: Type.Enum(['user_profiles', 'user_profiles+litellm'], {
      description:
        "Where the numbers were read: the `user_profiles` row alone, or reconciled with LiteLLM `/key/info` (the budget is the profile's; the spend is the higher of the two, since LiteLLM counts each call as it happens and the profile is synced later).",
    }),
  },
  { 'x-component': 'UserBalance', description: "The caller's budget and spend." },
);

export const UpdateProfileBody = Type.Object(
  {
    display_name: Type.Optional(nullableString({ minLength: 1, maxLength: 100, description: 'Name shown in the app; null clears it.' })),
    default_model: Type.Optional(
      nullableString({
        minLength: 1,
        maxLength: 200,
        description: 'A model id of `GET /v1/models` (unknown ids are 422); null clears it.',
      }),
    ),
    locale: Type.Optional(
      nullableString({ maxLength: 35, pattern: LOCALE_PATTERN, description: 'BCP 47 language tag, e.g. `en-US`; null clears it.' }),
    ),
    preferences: Type.Optional(Preferences),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Only these fields may be changed. Any other field, in particular `spend`, `max_budget`, `available_balance`, `litellm_key`, `email` and `id`, ' +
      'is rejected with 422 `VALIDATION_ERROR` naming it in `details.fields` (nothing is written).',
  },
);

export const exampleProfile = {
  id: '11111111-1111-4111-8111-111111111111',
  email: 'user@example.com',
  display_name: 'Ada',
  default_model: 'openai/gpt-4o-mini',
  locale: 'en-US',
  preferences: { theme: 'dark' },
  spend: 12.5,
  max_budget: 100,
  available_balance: 87.5,
  created_at: '2026-01-01T12:00:00.000Z',
  updated_at: '2026-01-02T08:30:00.000Z',
};

export const exampleBalance = { max_budget: 100, spend: 12.5, available_balance: 87.5, currency: 'USD', source: 'user_profiles' };
