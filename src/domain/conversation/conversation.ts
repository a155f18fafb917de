/**
 * Conversation data as the platform stores it. Field names follow the upstream rows (snake_case)
 * because they are also what clients receive (openapi/openapi.json).
 */
export type MessageRole = 'user' | 'assistant' | 'system';

export interface Conversation {
  id: string;
  title: string | null;
  model: string | null;
  active_branch_id: string | null;
  created_at: string;
  updated_at: string;
  /** Free-form client settings (e.g. temperature); absent when the upstream keeps none. */
  settings?: Record<string, unknown> | null;
}

/** A conversation as listed (the Edge Function's list has no active branch). */
export interface ConversationSummary {
  id: string;
  title: string | null;
  model: string | null;
  created_at: string;
  updated_at: string;
}

export interface Branch {
  id: string;
  conversation_id: string;
  /** The fork point; null for "Main". */
  parent_message_id: string | null;
  name: string;
  created_at: string;
}

export interface Message {
  id: string;
  conversation_id: string;
  branch_id: string;
  /** Previous message in the thread; null for the first. */
  parent_id: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  tokens_count: number | null;
  created_at: string;
}

export interface ConversationFull {
  conversation: Conversation;
  branches: Branch[];
  /** Every message of every branch. */
  messages: Message[];
}

/** One page of a list, as the store returns it. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

export const MAIN_BRANCH_NAME = 'Main';
/** The Edge Function titles a conversation from the first 50 characters of its first reply. */
export const AUTO_TITLE_LENGTH = 50;
