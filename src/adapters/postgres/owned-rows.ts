import { notFound } from '../../domain/errors/app-error';
import { isUuid } from '../../domain/user/uuid';
import {
  BRANCH_COLUMNS,
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  type BranchRow,
  type ConversationRow,
  type MessageRow,
} from './conversation-rows';
import type { SqlExecutor } from './sql-database';

/**
 * Reads of one row on behalf of its owner: every statement is filtered by `user_id`, and a row that
 * is missing, malformed or someone else's is the same NOT_FOUND. A malformed id never reaches SQL.
 */

export async function conversationRow(conn: SqlExecutor, userId: string, conversationId: string): Promise<ConversationRow> {
  if (!isUuid(conversationId)) throw notFound('Conversation');
  const { rows } = await conn.query<ConversationRow>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1 AND user_id = $2`, [
    conversationId,
    userId,
  ]);
  if (!rows[0]) throw notFound('Conversation');
  return rows[0];
}

/** The conversation row locked until the transaction ends: writes to one conversation take turns. */
export async function lockConversation(
  tx: SqlExecutor,
  userId: string,
  conversationId: string,
): Promise<{ id: string; active_branch_id: string }> {
  if (!isUuid(conversationId)) throw notFound('Conversation');
  const { rows } = await tx.query<{ id: string; active_branch_id: string }>(
    'SELECT id, active_branch_id FROM conversations WHERE id = $1 AND user_id = $2 FOR UPDATE',
    [conversationId, userId],
  );
  if (!rows[0]) throw notFound('Conversation');
  return rows[0];
}

export async function branchIn(conn: SqlExecutor, userId: string, conversationId: string, branchId: string): Promise<BranchRow> {
  if (!isUuid(branchId)) throw notFound('Branch');
  const { rows } = await conn.query<BranchRow>(
    `SELECT ${BRANCH_COLUMNS} FROM branches WHERE id = $1 AND conversation_id = $2 AND user_id = $3`,
    [branchId, conversationId, userId],
  );
  if (!rows[0]) throw notFound('Branch');
  return rows[0];
}

export async function messageIn(conn: SqlExecutor, userId: string, conversationId: string, messageId: string): Promise<MessageRow> {
  if (!isUuid(messageId)) throw notFound('Message');
  const { rows } = await conn.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND conversation_id = $2 AND user_id = $3`,
    [messageId, conversationId, userId],
  );
  if (!rows[0]) throw notFound('Message');
  return rows[0];
}

export async function ownedMessage(conn: SqlExecutor, userId: string, messageId: string): Promise<MessageRow> {
  if (!isUuid(messageId)) throw notFound('Message');
  const { rows } = await conn.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND user_id = $2`, [
    messageId,
    userId,
  ]);
  if (!rows[0]) throw notFound('Message');
  return rows[0];
}

/** Where a branch's thread ends: its newest message, or its fork point while it has none. */
export async function leafOf(conn: SqlExecutor, userId: string, branch: BranchRow): Promise<string | null> {
  const { rows } = await conn.query<{ id: string }>(
    'SELECT id FROM messages WHERE branch_id = $1 AND user_id = $2 ORDER BY seq DESC LIMIT 1',
    [branch.id, userId],
  );
  return rows[0]?.id ?? branch.parent_message_id;
}
