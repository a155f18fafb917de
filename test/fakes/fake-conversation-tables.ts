import type { MemoryConversationTables } from '../../src/adapters/memory/memory-conversation-tables';
import { BRANCH_COLUMNS, CONVERSATION_COLUMNS, MESSAGE_COLUMNS, type FakeSupabaseRest, type Row } from './fake-supabase-rest';

/**
 * Serves the `conversations`, `branches` and `messages` tables of the fake Supabase REST as live
 * views of a memory store's rows: what the store holds (and a FakeEdgeFunction over that store
 * writes) is what PostgREST shows, as both upstreams share one database in production. A DELETE
 * on `conversations` removes the conversation with its branches and messages (ON DELETE CASCADE).
 * RLS: conversations by `user_id`, branches and messages through their conversation.
 */
export function serveConversationTables(fake: FakeSupabaseRest, tables: MemoryConversationTables): void {
  const rows = () => [...tables.allRows()];
  fake.defineTable('conversations', {
    ownerColumn: 'user_id',
    columns: [...CONVERSATION_COLUMNS],
    generated: {},
    numeric: [],
    rows: [],
    uuidColumns: ['id', 'user_id', 'active_branch_id'],
    relations: { messages: { table: 'messages', column: 'conversation_id' }, branches: { table: 'branches', column: 'conversation_id' } },
    view: () => rows().map((r): Row => ({ ...r.conversation, user_id: r.ownerId })),
    onDelete: (deleted) => {
      for (const row of deleted) tables.deleteConversations(String(row.user_id), [String(row.id)]);
    },
  });
  fake.defineTable('branches', {
    ownerColumn: 'user_id',
    ownedThrough: { table: 'conversations', column: 'conversation_id' },
    columns: [...BRANCH_COLUMNS],
    generated: {},
    numeric: [],
    rows: [],
    uuidColumns: ['id', 'conversation_id', 'parent_message_id'],
    view: () => rows().flatMap((r) => r.branches.map((b): Row => ({ ...b }))),
  });
  fake.defineTable('messages', {
    ownerColumn: 'user_id',
    ownedThrough: { table: 'conversations', column: 'conversation_id' },
    columns: [...MESSAGE_COLUMNS],
    generated: {},
    numeric: [],
    rows: [],
    uuidColumns: ['id', 'conversation_id', 'branch_id', 'parent_id'],
    view: () => rows().flatMap((r) => r.messages.map((m): Row => ({ ...m }))),
  });
}
