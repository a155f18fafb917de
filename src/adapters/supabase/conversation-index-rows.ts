import type { MessageRole } from '../../domain/conversation/conversation';
import { AppError } from '../../domain/errors/app-error';
import type { MatchedMessageRow } from '../../domain/search/conversation-search';
import type { IndexedConversation, MessageActivity } from '../../ports/conversation-index.port';

/** Columns read for a conversation, with its sizes as PostgREST embedded counts (`messages: [{count}]`). */
export const CONVERSATION_SELECT = 'id,title,model,active_branch_id,created_at,updated_at,messages(count),branches(count)';
export const MATCHED_MESSAGE_SELECT = 'id,conversation_id,branch_id,role,content,created_at';
export const MESSAGE_ACTIVITY_SELECT = 'id,conversation_id,role,model,tokens_count,created_at';

type Row = Record<string, unknown>;

function contractError(table: string, problem: string): AppError {
  return new AppError('UPSTREAM_CONTRACT', 'Supabase answered with rows the gateway cannot use', {
    details: { upstream: 'supabase', table, problem },
  });
}

export function rowsOf(body: unknown, table: string): Row[] {
  if (!Array.isArray(body)) throw contractError(table, 'response is not an array');
  return body.map((row) => {
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw contractError(table, 'a row is not an object');
    return row as Row;
  });
}

function text(row: Row, column: string, table: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw contractError(table, `${column} is not a string`);
  return value;
}

function nullableText(row: Row, column: string, table: string): string | null {
  const value = row[column];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw contractError(table, `${column} is not a string`);
  return value;
}

function timestamp(row: Row, column: string, table: string): string {
  const value = text(row, column, table);
  if (Number.isNaN(Date.parse(value))) throw contractError(table, `${column} is not a timestamp`);
  return value;
}

/** `[{"count": 3}]`, PostgREST's embedded count. */
function embeddedCount(row: Row, relation: string): number {
  const value = row[relation];
  const count = Array.isArray(value) && value.length === 1 ? (value[0] as Row | undefined)?.count : undefined;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw contractError('conversations', `${relation}(count) is not an embedded count`);
  }
  return count;
}

function role(row: Row): MessageRole {
  const value = row.role;
  if (value !== 'user' && value !== 'assistant' && value !== 'system')
    throw contractError('messages', 'role is not user, assistant or system');
  return value;
}

export function parseConversation(row: Row): IndexedConversation {
  const table = 'conversations';
  return {
    id: text(row, 'id', table),
    title: nullableText(row, 'title', table),
    model: nullableText(row, 'model', table),
    active_branch_id: nullableText(row, 'active_branch_id', table),
    created_at: timestamp(row, 'created_at', table),
    updated_at: timestamp(row, 'updated_at', table),
    message_count: embeddedCount(row, 'messages'),
    branch_count: embeddedCount(row, 'branches'),
  };
}

export function parseMatchedMessage(row: Row): MatchedMessageRow {
  const table = 'messages';
  return {
    id: text(row, 'id', table),
    conversation_id: text(row, 'conversation_id', table),
    branch_id: text(row, 'branch_id', table),
    role: role(row),
    content: text(row, 'content', table),
    created_at: timestamp(row, 'created_at', table),
  };
}

export function parseMessageActivity(row: Row): MessageActivity {
  const table = 'messages';
  const tokens = row.tokens_count;
  if (tokens !== null && tokens !== undefined && (typeof tokens !== 'number' || !Number.isInteger(tokens) || tokens < 0)) {
    throw contractError(table, 'tokens_count is not a non-negative integer');
  }
  return {
    id: text(row, 'id', table),
    conversation_id: text(row, 'conversation_id', table),
    role: role(row),
    model: nullableText(row, 'model', table),
    tokens_count: typeof tokens === 'number' ? tokens : null,
    created_at: timestamp(row, 'created_at', table),
  };
}

/** The total of `Content-Range: 0-19/45` (`*` when the upstream did not count). */
export function contentRangeTotal(header: unknown): number | undefined {
  if (typeof header !== 'string') return undefined;
  const total = /\/(\d+)\s*$/.exec(header)?.[1];
  return total === undefined ? undefined : Number(total);
}
