import type { Static, TSchema } from 'typebox';
import type { Branch, Conversation, ConversationFull, ConversationSummary, Message, Page } from '../../domain/conversation/conversation';
import { AppError } from '../../domain/errors/app-error';
import type {
  AddedUserMessage,
  AddUserMessageInput,
  BuildContextInput,
  BuiltContext,
  CreateConversationInput,
  ListConversationsInput,
  RegenerateForkInput,
  SaveAssistantMessageInput,
  SavedAssistantMessage,
  UpdateConversationInput,
} from '../../ports/conversation-store.port';
import {
  ActivateBranchData,
  AddedMessageData,
  BranchListData,
  BranchRow,
  ContextData,
  ConversationFullData,
  ConversationPageData,
  ConversationRow,
  InitConversationData,
  MessageRow,
  RegenerateData,
  SavedResponseData,
  toBranch,
  toConversation,
  toConversationSummary,
  toMessage,
} from './edge-function-schemas';

/**
 * One gateway operation as one upstream call. The store's methods are thin calls into
 * EDGE_FUNCTION_OPERATIONS: adding an endpoint of the function is adding an entry there.
 */
export interface EdgeFunctionOperation<I, S extends TSchema, O> {
  method: 'GET' | 'POST' | 'PATCH';
  /** Appended to EDGE_FUNCTION_URL; `{name}` segments are filled from `params`. */
  path: string;
  /**
   * Ids the call carries, in the path (every `{name}` of `path`) or the body. Each must be a UUID:
   * anything else cannot name a row, so it is NOT_FOUND without a call (and never reaches a URL).
   */
  params?: (input: I) => Record<string, string | undefined>;
  query?: (input: I) => Record<string, string | number>;
  body?: (input: I) => Record<string, unknown>;
  /** Safe to repeat (reads, PATCH, activate, build-context): only these are retried. */
  idempotent: boolean;
  /** What a 404 is about, for the NOT_FOUND message (the function does not say whether it is absent or not yours). */
  resource: string;
  /** The `data` of the success envelope; anything else is UPSTREAM_CONTRACT. */
  response: S;
  transform: (data: Static<S>, input: I) => O;
}

function operation<I, S extends TSchema, O>(spec: EdgeFunctionOperation<I, S, O>): EdgeFunctionOperation<I, S, O> {
  return spec;
}

export interface ConversationRef {
  conversation_id: string;
}
export interface BranchRef extends ConversationRef {
  branch_id: string;
}
export interface MessageRef {
  message_id: string;
}

export interface InitializedConversation {
  conversation_id: string;
}

/** A fork made by the function; its conversation is looked up when the function leaves it out. */
export interface ForkedBranch {
  branch_id: string;
  parent_message_id: string;
  conversation_id?: string;
}

export const EDGE_FUNCTION_OPERATIONS = {
  initConversation: operation({
    method: 'POST',
    path: '/init-conversation',
    idempotent: false,
    resource: 'Conversation',
    body: (i: CreateConversationInput) => ({ title: i.title, model: i.model }),
    response: InitConversationData,
    transform: (d): InitializedConversation => ({ conversation_id: d.conversation_id }),
  }),
  listConversations: operation({
    method: 'GET',
    path: '/conversations',
    idempotent: true,
    resource: 'Conversation',
    query: (i: ListConversationsInput) => ({ page: i.page, limit: i.limit }),
    response: ConversationPageData,
    transform: (d, i): Page<ConversationSummary> => ({
      items: d.conversations.map(toConversationSummary),
      total: d.total,
      page: d.page ?? i.page,
      limit: d.limit ?? i.limit,
    }),
  }),
  getConversation: operation({
    method: 'GET',
    path: '/conversations/{conversation_id}',
    idempotent: true,
    resource: 'Conversation',
    params: (i: ConversationRef) => ({ conversation_id: i.conversation_id }),
    response: ConversationRow,
    transform: (d): Conversation => toConversation(d),
  }),
  getConversationFull: operation({
    method: 'GET',
    path: '/conversations/{conversation_id}/full',
    idempotent: true,
    resource: 'Conversation',
    params: (i: ConversationRef) => ({ conversation_id: i.conversation_id }),
    response: ConversationFullData,
    transform: (d): ConversationFull => ({
      conversation: toConversation(d.conversation),
      branches: d.branches.map((b) => toBranch(b, d.conversation.id)),
      messages: d.messages.map(toMessage),
    }),
  }),
  updateConversation: operation({
    method: 'PATCH',
    path: '/conversations/{conversation_id}',
    idempotent: true,
    resource: 'Conversation',
    params: (i: ConversationRef & UpdateConversationInput) => ({ conversation_id: i.conversation_id }),
    body: (i) => ({ title: i.title, model: i.model, settings: i.settings }),
    response: ConversationRow,
    transform: (d): Conversation => toConversation(d),
  }),
  listBranches: operation({
    method: 'GET',
    path: '/conversations/{conversation_id}/branches',
    idempotent: true,
    resource: 'Conversation',
    params: (i: ConversationRef) => ({ conversation_id: i.conversation_id }),
    response: BranchListData,
    transform: (d, i): Branch[] => (Array.isArray(d) ? d : d.branches).map((b) => toBranch(b, i.conversation_id)),
  }),
  createBranch: operation({
    method: 'POST',
    path: '/conversations/{conversation_id}/branches',
    idempotent: false,
    resource: 'Message',
    // REST names the fork point `parent_message_id` (the legacy /create-branch says `from_message_id`).
    params: (i: ConversationRef & { from_message_id: string; name: string }) => ({
      conversation_id: i.conversation_id,
      parent_message_id: i.from_message_id,
    }),
    body: (i) => ({ parent_message_id: i.from_message_id, name: i.name }),
    response: BranchRow,
    transform: (d, i): Branch => toBranch(d, i.conversation_id),
  }),
  activateBranch: operation({
    method: 'POST',
    path: '/conversations/{conversation_id}/branches/{branch_id}/activate',
    idempotent: true,
    resource: 'Branch',
    params: (i: BranchRef) => ({ conversation_id: i.conversation_id, branch_id: i.branch_id }),
    response: ActivateBranchData,
    transform: (d, i): void => {
      if (d?.active_branch_id !== undefined && d.active_branch_id !== i.branch_id) {
        throw new AppError('UPSTREAM_CONTRACT', 'The conversation service activated a different branch', {
          details: { upstream: 'edge_function', operation: 'activateBranch' },
        });
      }
    },
  }),
  getMessage: operation({
    method: 'GET',
    path: '/messages/{message_id}',
    idempotent: true,
    resource: 'Message',
    params: (i: MessageRef) => ({ message_id: i.message_id }),
    response: MessageRow,
    transform: (d): Message => toMessage(d),
  }),
  editMessage: operation({
    method: 'PATCH',
    path: '/messages/{message_id}',
    idempotent: true,
    resource: 'Message',
    params: (i: MessageRef & { content: string }) => ({ message_id: i.message_id }),
    body: (i) => ({ content: i.content }),
    response: MessageRow,
    transform: (d): Message => toMessage(d),
  }),
  regenerateFork: operation({
    method: 'POST',
    path: '/messages/{message_id}/regenerate',
    idempotent: false,
    resource: 'Message',
    params: (i: MessageRef & RegenerateForkInput) => ({ message_id: i.message_id }),
    body: (i) => ({ branch_name: i.branch_name }),
    response: RegenerateData,
    transform: (d): ForkedBranch => ({
      branch_id: 'branch_id' in d ? d.branch_id : d.id,
      parent_message_id: d.parent_message_id,
      ...(d.conversation_id === undefined ? {} : { conversation_id: d.conversation_id }),
    }),
  }),
  addUserMessage: operation({
    method: 'POST',
    path: '/add-message',
    idempotent: false,
    resource: 'Conversation',
    params: (i: AddUserMessageInput) => ({ conversation_id: i.conversation_id, parent_id: i.parent_id }),
    body: (i) => ({ conversation_id: i.conversation_id, parent_id: i.parent_id, role: 'user', content: i.content, model: i.model }),
    response: AddedMessageData,
    transform: (d, i): AddedUserMessage => ({
      message_id: d.message_id,
      conversation_id: d.conversation_id,
      branch_id: d.branch_id,
      parent_id: d.parent_id ?? null,
      is_new_conversation: d.is_new_conversation ?? i.conversation_id === undefined,
    }),
  }),
  saveAssistantMessage: operation({
    method: 'POST',
    path: '/save-response',
    idempotent: false,
    resource: 'Conversation',
    params: (i: SaveAssistantMessageInput) => ({ conversation_id: i.conversation_id, branch_id: i.branch_id, parent_id: i.parent_id }),
    body: (i) => ({
      conversation_id: i.conversation_id,
      branch_id: i.branch_id,
      parent_id: i.parent_id,
      content: i.content,
      model: i.model,
      tokens_count: i.tokens_count,
    }),
    response: SavedResponseData,
    transform: (d, i): SavedAssistantMessage => ({ message_id: d.message_id, tokens_count: d.tokens_count ?? i.tokens_count ?? null }),
  }),
  buildContext: operation({
    method: 'POST',
    path: '/build-context',
    idempotent: true,
    resource: 'Conversation',
    params: (i: BuildContextInput) => ({ conversation_id: i.conversation_id, branch_id: i.branch_id }),
    body: (i) => ({ conversation_id: i.conversation_id, branch_id: i.branch_id, max_messages: i.max_messages }),
    response: ContextData,
    transform: (d, i): BuiltContext => ({
      // The port promises at most `max_messages`, whatever the function did with the limit.
      messages: d.messages.slice(-i.max_messages).map((m) => ({ role: m.role, content: m.content })),
      model: d.model ?? null,
      branch_id: d.branch_id ?? i.branch_id ?? null,
    }),
  }),
};

export type EdgeFunctionOperations = typeof EDGE_FUNCTION_OPERATIONS;
export type OperationName = keyof EdgeFunctionOperations;
export type OperationInput<K extends OperationName> = Parameters<EdgeFunctionOperations[K]['transform']>[1];
export type OperationOutput<K extends OperationName> = ReturnType<EdgeFunctionOperations[K]['transform']>;
