import { Type } from 'typebox';
import { SHARE_ID_PATTERN } from '../../../domain/share/share';
import { Timestamp, Uuid } from './common.schemas';
import { EX } from './examples';

export const ShareId = Type.String({
  pattern: SHARE_ID_PATTERN,
  minLength: 32,
  maxLength: 32,
  description: 'A share id: 32 random base64url characters (192 bits).',
});

export const ShareParams = Type.Object({ share_id: ShareId }, { additionalProperties: false });

export const CreateShareBody = Type.Object(
  { branch_id: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'The branch to share; absent or null: the active branch.' })) },
  { additionalProperties: false },
);

export const ShareSchema = Type.Object(
  {
    share_id: ShareId,
    url: Type.String({ description: 'The page for people: `<PUBLIC_BASE_URL or this host>/s/<share_id>`.' }),
    api_url: Type.String({ description: 'The snapshot as JSON, readable without a token.' }),
    conversation_id: Uuid,
    branch_id: Uuid,
    created_at: Timestamp,
  },
  { 'x-component': 'Share', description: 'A share link, as its owner sees it.' },
);

export const SharedSnapshotSchema = Type.Object(
  {
    share_id: ShareId,
    title: Type.Union([Type.String(), Type.Null()]),
    model: Type.Union([Type.String(), Type.Null()]),
    shared_at: Timestamp,
    messages: Type.Array(
      Type.Object({
        role: Type.Enum(['user', 'assistant', 'system']),
        content: Type.String(),
        model: Type.Union([Type.String(), Type.Null()]),
        created_at: Timestamp,
      }),
    ),
  },
  {
    'x-component': 'SharedSnapshot',
    description: 'A shared branch as it was when shared: no ids of users, conversations or messages, nothing of the owner.',
  },
);

export const EXAMPLE_SHARE_ID = 'q3V0cF9kZW1vX3NoYXJlX2lkXzAwMDAx';

export const exampleShare = {
  share_id: EXAMPLE_SHARE_ID,
  url: `https://gateway.example.com/s/${EXAMPLE_SHARE_ID}`,
  api_url: `https://gateway.example.com/v1/shares/${EXAMPLE_SHARE_ID}`,
  conversation_id: EX.conversationId,
  branch_id: EX.mainBranchId,
  created_at: EX.updated,
};

export const exampleSnapshot = {
  share_id: EXAMPLE_SHARE_ID,
  title: 'Trip planning for Tbilisi',
  model: 'gpt-4o',
  shared_at: EX.updated,
  messages: [
    { role: 'user', content: 'Plan a three-day trip to Tbilisi.', model: null, created_at: EX.created },
    { role: 'assistant', content: 'Day 1: the **Old Town** and Narikala fortress...', model: 'gpt-4o', created_at: EX.updated },
  ],
};
