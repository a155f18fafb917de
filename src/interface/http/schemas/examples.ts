/** Example values shared by the OpenAPI examples of several routes. */
export const EX = {
  userId: '11111111-1111-4111-8111-111111111111',
  conversationId: '3f6c1a9e-8d2b-4c1f-9a7e-5b2d8e4f6a10',
  mainBranchId: '7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  altBranchId: '8b2e3d4c-5f6a-4b7c-9d8e-0f1a2b3c4d5e',
  userMessageId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  assistantMessageId: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a',
  altAssistantMessageId: '4f5a6b7c-8d9e-4f0a-8b2c-3d4e5f6a7b8c',
  created: '2026-01-15T09:30:00.000Z',
  updated: '2026-01-15T09:31:12.000Z',
};

export const exampleConversation = {
  id: EX.conversationId,
  title: 'Trip planning for Tbilisi',
  model: 'gpt-4o',
  active_branch_id: EX.mainBranchId,
  created_at: EX.created,
  updated_at: EX.updated,
};

export const exampleUserMessage = {
  id: EX.userMessageId,
  conversation_id: EX.conversationId,
  branch_id: EX.mainBranchId,
  parent_id: null,
  role: 'user',
  content: 'Plan a three-day trip to Tbilisi.',
  model: 'gpt-4o',
  tokens_count: null,
  created_at: EX.created,
};

export const exampleAssistantMessage = {
  id: EX.assistantMessageId,
  conversation_id: EX.conversationId,
  branch_id: EX.mainBranchId,
  parent_id: EX.userMessageId,
  role: 'assistant',
  content: 'Day 1: the Old Town and Narikala fortress...',
  model: 'gpt-4o',
  tokens_count: 412,
  created_at: EX.updated,
};

export const exampleBranch = {
  id: EX.altBranchId,
  conversation_id: EX.conversationId,
  parent_message_id: EX.userMessageId,
  name: 'Regenerated',
  created_at: EX.updated,
};
