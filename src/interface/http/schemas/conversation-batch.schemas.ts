import { Type } from 'typebox';
import { BATCH_MAX_IDS } from '../../../application/conversations/conversation-index-policy';
import { ERROR_CODES } from '../../../domain/errors/error-codes';
import { Timestamp, Uuid } from './common.schemas';
import { ConversationSchema, ModelId, Title } from './conversation.schemas';
import { EX, exampleConversation } from './examples';

const ItemErrorSchema = Type.Object(
  { code: Type.Enum([...ERROR_CODES]), message: Type.String() },
  { 'x-component': 'BatchItemError', description: 'Why this item failed; the other items are unaffected.' },
);

export const BatchUpdateBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { id: Uuid, title: Type.Optional(Title), model: Type.Optional(ModelId) },
        { additionalProperties: false, description: 'One conversation and what to change: `title`, `model` or both.' },
      ),
      { minItems: 1, maxItems: BATCH_MAX_IDS, description: `1 to ${BATCH_MAX_IDS} conversations, each at most once.` },
    ),
  },
  { additionalProperties: false },
);

export const BatchUpdateResultSchema = Type.Object({
  results: Type.Array(
    Type.Object(
      {
        id: Uuid,
        ok: Type.Boolean(),
        conversation: Type.Optional(ConversationSchema),
        error: Type.Optional(ItemErrorSchema),
      },
      { description: 'One per requested id, in request order.' },
    ),
  ),
  succeeded: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
});

export const exampleBatchUpdate = {
  results: [
    { id: EX.conversationId, ok: true, conversation: { ...exampleConversation, title: 'Tbilisi, three days' } },
    { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found' } },
  ],
  succeeded: 1,
  failed: 1,
};

export const BatchDeleteBody = Type.Object(
  {
    ids: Type.Array(Uuid, {
      minItems: 1,
      maxItems: BATCH_MAX_IDS,
      description: `1 to ${BATCH_MAX_IDS} conversation ids, each at most once.`,
    }),
    confirmation_token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The token of the 409 answer to the same ids: without a valid one nothing is deleted.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BatchDeleteResultSchema = Type.Object({
  results: Type.Array(
    Type.Object(
      { id: Uuid, ok: Type.Boolean({ description: 'A row was really deleted.' }), error: Type.Optional(ItemErrorSchema) },
      { description: 'One per requested id, in request order.' },
    ),
  ),
  deleted: Type.Integer({ minimum: 0 }),
  not_found: Type.Integer({ minimum: 0 }),
});

export const ConfirmationRequiredSchema = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      message: Type.String(),
      code: Type.Literal('CONFIRMATION_REQUIRED'),
      request_id: Type.String(),
      details: Type.Object({
        token_refused: Type.Optional(
          Type.Enum(['malformed', 'expired', 'mismatch'], {
            description: 'Why the token sent was refused (`mismatch`: issued for other ids or another user).',
          }),
        ),
        conversations: Type.Array(
          Type.Object({
            id: Uuid,
            title: Type.Union([Type.String(), Type.Null()]),
            message_count: Type.Integer(),
            updated_at: Timestamp,
          }),
          { description: "The caller's conversations among the ids: what the confirmed call deletes." },
        ),
        not_found: Type.Array(Uuid, { description: "Ids that name no conversation of the caller (unknown or another user's alike)." }),
        confirmation_token: Type.String({ description: 'Send it back with the same ids to delete.' }),
        expires_at: Timestamp,
      }),
    }),
  },
  { 'x-component': 'ConfirmationRequired' },
);

export const exampleConfirmationRequired = {
  success: false,
  error: {
    message: 'Nothing was deleted: repeat the call with confirmation_token to delete the conversations listed',
    code: 'CONFIRMATION_REQUIRED',
    request_id: 'a1b2c3d4-0000-4000-8000-000000000000',
    details: {
      conversations: [{ id: EX.conversationId, title: 'Trip planning for Tbilisi', message_count: 2, updated_at: EX.updated }],
      not_found: ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'],
      confirmation_token: 'v1.1768469700.q2Vt0bX1cQ9a.3mJ0k6yZ0b9mC4cHq1dS2fL8pW7xN5rT0vU3iE6aG1oY',
      expires_at: '2026-01-15T09:35:00.000Z',
    },
  },
};
