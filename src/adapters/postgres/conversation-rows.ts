import type { Branch, Conversation, Message } from '../../domain/conversation/conversation';
import { isoOf } from './sql-database';

/** Column lists and row mappers of the conversation tables, shared by the store and the index. */
export const CONVERSATION_COLUMNS = 'id, title, model, active_branch_id, settings, created_at, updated_at';
export const BRANCH_COLUMNS = 'id, conversation_id, parent_message_id, name, created_at';
export const MESSAGE_COLUMNS = 'id, conversation_id, branch_id, parent_id, role, content, model, tokens_count, interrupted, created_at';

export interface ConversationRow {
  id: string;
  title: string | null;
  model: string | null;
  active_branch_id: string | null;
  settings: Record<string, unknown> | null;
  created_at: unknown;
  updated_at: unknown;
}

export interface BranchRow {
  id: string;
  conversation_id: string;
  parent_message_id: string | null;
  name: string;
  created_at: unknown;
}

/** A `messages` row as the drivers read it: the timestamp is a Date or text, the flag always there. */
export type MessageRow = Omit<Message, 'interrupted' | 'created_at'> & { interrupted: boolean; created_at: unknown };

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    active_branch_id: row.active_branch_id,
    created_at: isoOf(row.created_at),
    updated_at: isoOf(row.updated_at),
    // Absent until set, as the memory twin keeps it.
    ...(row.settings === null ? {} : { settings: row.settings }),
  };
}

export function toBranch(row: BranchRow): Branch {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    parent_message_id: row.parent_message_id,
    name: row.name,
    created_at: isoOf(row.created_at),
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    branch_id: row.branch_id,
    parent_id: row.parent_id,
    role: row.role,
    content: row.content,
    model: row.model,
    tokens_count: row.tokens_count,
    interrupted: row.interrupted,
    created_at: isoOf(row.created_at),
  };
}
