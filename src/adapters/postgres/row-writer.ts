import { MAIN_BRANCH_NAME, type Branch, type MessageRole } from '../../domain/conversation/conversation';
import type { Clock } from '../../ports/clock.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import { BRANCH_COLUMNS, CONVERSATION_COLUMNS, toBranch, type BranchRow, type ConversationRow } from './conversation-rows';
import { isoOf, type SqlExecutor } from './sql-database';

export interface NewMessage {
  conversationId: string;
  branchId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  tokens: number | null;
  interrupted: boolean;
}

/** The inserts of the conversation tables, with ids and times from the app (the same clock every store uses). */
export class RowWriter {
  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** A conversation with its Main branch, active. */
  async conversation(tx: SqlExecutor, userId: string, title: string | null, model: string): Promise<ConversationRow> {
    const id = this.ids.uuid();
    const branchId = this.ids.uuid();
    const { rows } = await tx.query<ConversationRow>(
      `INSERT INTO conversations (id, user_id, title, model, active_branch_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${CONVERSATION_COLUMNS}`,
      [id, userId, title, model, branchId, this.now()],
    );
    await tx.query(
      'INSERT INTO branches (id, conversation_id, user_id, parent_message_id, name, created_at) VALUES ($1, $2, $3, NULL, $4, $5)',
      [branchId, id, userId, MAIN_BRANCH_NAME, this.now()],
    );
    return rows[0]!;
  }

  /** A branch forked at `parentMessageId`, named `Branch N` when no name is given. */
  async branch(
    tx: SqlExecutor,
    userId: string,
    conversationId: string,
    parentMessageId: string,
    name: string | undefined,
  ): Promise<Branch> {
    const { rows } = await tx.query<BranchRow>(
      `INSERT INTO branches (id, conversation_id, user_id, parent_message_id, name, created_at)
       VALUES ($1, $2, $3, $4, coalesce($5, 'Branch ' || (SELECT count(*) + 1 FROM branches WHERE conversation_id = $2 AND user_id = $3)), $6)
       RETURNING ${BRANCH_COLUMNS}`,
      [this.ids.uuid(), conversationId, userId, parentMessageId, name ?? null, this.now()],
    );
    return toBranch(rows[0]!);
  }

  /** Appends a message and moves the conversation's `updated_at`; answers its id. */
  async message(tx: SqlExecutor, userId: string, m: NewMessage): Promise<string> {
    const id = this.ids.uuid();
    await tx.query(
      `INSERT INTO messages (id, conversation_id, branch_id, user_id, parent_id, role, content, model, tokens_count, interrupted, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [id, m.conversationId, m.branchId, userId, m.parentId, m.role, m.content, m.model, m.tokens, m.interrupted, this.now()],
    );
    await this.touch(tx, userId, m.conversationId);
    return id;
  }

  async touch(tx: SqlExecutor, userId: string, conversationId: string): Promise<void> {
    await tx.query('UPDATE conversations SET updated_at = $3 WHERE id = $1 AND user_id = $2', [conversationId, userId, this.now()]);
  }

  now(): string {
    return isoOf(this.clock.now());
  }
}
