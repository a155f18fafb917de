import type { ChatMessage } from '../domain/chat/chat';
import type { Branch, Conversation, ConversationFull, ConversationSummary, Message, Page } from '../domain/conversation/conversation';
import type { UserContext } from '../domain/user/user-context';
import { token } from './token';

export interface CreateConversationInput {
  title?: string;
  model: string;
}

export interface ListConversationsInput {
  page: number;
  limit: number;
}

export interface UpdateConversationInput {
  title?: string;
  model?: string;
  settings?: Record<string, unknown>;
}

export interface CreateBranchInput {
  /** The message the new branch continues from. */
  from_message_id: string;
  name?: string;
}

export interface AddUserMessageInput {
  /** Absent: a new conversation is created. */
  conversation_id?: string;
  /** Absent: appended to the end of the active branch. A message that is not the active leaf forks a new branch. */
  parent_id?: string;
  content: string;
  model?: string;
}

export interface AddedUserMessage {
  message_id: string;
  conversation_id: string;
  branch_id: string;
  parent_id: string | null;
  is_new_conversation: boolean;
}

export interface SaveAssistantMessageInput {
  conversation_id: string;
  branch_id: string;
  /** The user message this reply answers. */
  parent_id: string;
  content: string;
  model: string;
  tokens_count?: number;
  /** The stream was cut short (client gone, upstream failure): `content` is what was relayed. */
  interrupted?: boolean;
}

export interface SavedAssistantMessage {
  message_id: string;
  tokens_count: number | null;
}

export interface RegenerateForkInput {
  branch_name?: string;
}

/** The new branch made to hold a regenerated reply: forked at the reply's parent (user) message. */
export interface RegenerateFork {
  branch_id: string;
  /** The user message the new reply answers. */
  parent_message_id: string;
  conversation_id: string;
}

export interface BuildContextInput {
  conversation_id: string;
  branch_id?: string;
  max_messages: number;
}

export interface BuiltContext {
  /** Oldest first, the newest `max_messages` of the branch's thread. */
  messages: ChatMessage[];
  model: string | null;
  branch_id: string | null;
}

/**
 * Everything the conversation-manager Edge Function offers. Every call is made on behalf of one
 * user; another user's conversation, branch or message is NOT_FOUND (never FORBIDDEN).
 */
export interface ConversationStore {
  createConversation(user: UserContext, input: CreateConversationInput): Promise<Conversation>;
  listConversations(user: UserContext, input: ListConversationsInput): Promise<Page<ConversationSummary>>;
  getConversation(user: UserContext, conversationId: string): Promise<Conversation>;
  getConversationFull(user: UserContext, conversationId: string): Promise<ConversationFull>;
  updateConversation(user: UserContext, conversationId: string, input: UpdateConversationInput): Promise<Conversation>;
  listBranches(user: UserContext, conversationId: string): Promise<Branch[]>;
  createBranch(user: UserContext, conversationId: string, input: CreateBranchInput): Promise<Branch>;
  activateBranch(user: UserContext, conversationId: string, branchId: string): Promise<void>;
  getMessage(user: UserContext, messageId: string): Promise<Message>;
  /** User messages only; an assistant or system message is a VALIDATION_ERROR. */
  editMessage(user: UserContext, messageId: string, content: string): Promise<Message>;
  /** `messageId` is an assistant message; anything else is a VALIDATION_ERROR. */
  regenerateFork(user: UserContext, messageId: string, input: RegenerateForkInput): Promise<RegenerateFork>;
  addUserMessage(user: UserContext, input: AddUserMessageInput): Promise<AddedUserMessage>;
  saveAssistantMessage(user: UserContext, input: SaveAssistantMessageInput): Promise<SavedAssistantMessage>;
  buildContext(user: UserContext, input: BuildContextInput): Promise<BuiltContext>;
}

export const CONVERSATION_STORE = token<ConversationStore>('ConversationStore');
