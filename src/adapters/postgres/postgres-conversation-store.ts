import {
  type Branch,
  type Conversation,
  type ConversationFull,
  type ConversationSummary,
  type Message,
  type MessageRole,
  type Page,
} from '../../domain/conversation/conversation';
import { notFound } from '../../domain/errors/app-error';
import {
  autoTitle,
  notAnAssistantReply,
  notAUserMessage,
  parentNeedsConversation,
  requirePositiveInteger,
} from '../../domain/conversation/store-rules';
import type { UserContext } from '../../domain/user/user-context';
import { isUuid } from '../../domain/user/uuid';
import type { Clock } from '../../ports/clock.port';
import type {
  AddedUserMessage,
  AddUserMessageInput,
  BuildContextInput,
  BuiltContext,
  ConversationStore,
  CreateBranchInput,
  CreateConversationInput,
  ListConversationsInput,
  RegenerateFork,
  RegenerateForkInput,
  SavedAssistantMessage,
  SaveAssistantMessageInput,
  UpdateConversationInput,
} from '../../ports/conversation-store.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import {
  BRANCH_COLUMNS,
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  toBranch,
  toConversation,
  toMessage,
  type BranchRow,
  type ConversationRow,
  type MessageRow,
} from './conversation-rows';
import { translated } from './database-errors';
import { branchIn, conversationRow, leafOf, lockConversation, messageIn, ownedMessage } from './owned-rows';
import { RowWriter } from './row-writer';
import type { SqlDatabase, SqlExecutor } from './sql-database';

/**
 * The ConversationStore on PostgreSQL (a server or PGlite): the same behaviour as the Edge
 * Function and its memory twin, proven by the same contract suite. Every statement is filtered by
 * the caller's id (`user_id` is on every row), so another user's rows are NOT_FOUND exactly like
 * unknown ids. Writes to one conversation lock its row, so concurrent messages find the same leaf
 * one after the other.
 */
export class PostgresConversationStore implements ConversationStore {
  private readonly writer: RowWriter;

  constructor(
    private readonly db: SqlDatabase,
    clock: Clock,
    ids: IdGenerator,
    private readonly defaultModel: string,
  ) {
    this.writer = new RowWriter(clock, ids);
  }

  createConversation(user: UserContext, input: CreateConversationInput): Promise<Conversation> {
    return this.write(async (tx) => toConversation(await this.writer.conversation(tx, user.userId, input.title ?? null, input.model)));
  }

  async listConversations(user: UserContext, input: ListConversationsInput): Promise<Page<ConversationSummary>> {
    requirePositiveInteger('page', input.page);
    requirePositiveInteger('limit', input.limit);
    return translated(async () => {
      const [rows, total] = await Promise.all([
        this.db.query<ConversationRow>(
          `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE user_id = $1 ORDER BY updated_at DESC, seq DESC LIMIT $2 OFFSET $3`,
          [user.userId, input.limit, (input.page - 1) * input.limit],
        ),
        this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE user_id = $1', [user.userId]),
      ]);
      const items = rows.rows
        .map(toConversation)
        .map(({ id, title, model, created_at, updated_at }) => ({ id, title, model, created_at, updated_at }));
      return { items, total: total.rows[0]!.n, page: input.page, limit: input.limit };
    });
  }

  getConversation(user: UserContext, conversationId: string): Promise<Conversation> {
    return translated(async () => toConversation(await conversationRow(this.db, user.userId, conversationId)));
  }

  getConversationFull(user: UserContext, conversationId: string): Promise<ConversationFull> {
    return translated(async () => {
      const conversation = toConversation(await conversationRow(this.db, user.userId, conversationId));
      const params = [conversationId, user.userId];
      const [branches, messages] = await Promise.all([
        this.db.query<BranchRow>(`SELECT ${BRANCH_COLUMNS} FROM branches WHERE conversation_id = $1 AND user_id = $2 ORDER BY seq`, params),
        this.db.query<MessageRow>(
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND user_id = $2 ORDER BY seq`,
          params,
        ),
      ]);
      return { conversation, branches: branches.rows.map(toBranch), messages: messages.rows.map(toMessage) };
    });
  }

  updateConversation(user: UserContext, conversationId: string, input: UpdateConversationInput): Promise<Conversation> {
    return translated(async () => {
      if (!isUuid(conversationId)) throw notFound('Conversation');
      // Each column is kept unless its flag says it was given: one statement, parameters only.
      const { rows } = await this.db.query<ConversationRow>(
        `UPDATE conversations SET
           title = CASE WHEN $3 THEN $4 ELSE title END,
           model = CASE WHEN $5 THEN $6 ELSE model END,
           settings = CASE WHEN $7 THEN $8::jsonb ELSE settings END,
           updated_at = $9
         WHERE id = $1 AND user_id = $2
         RETURNING ${CONVERSATION_COLUMNS}`,
        [
          conversationId,
          user.userId,
          input.title !== undefined,
          input.title ?? null,
          input.model !== undefined,
          input.model ?? null,
          input.settings !== undefined,
          input.settings === undefined ? null : JSON.stringify(input.settings),
          this.writer.now(),
        ],
      );
      if (!rows[0]) throw notFound('Conversation');
      return toConversation(rows[0]);
    });
  }

  listBranches(user: UserContext, conversationId: string): Promise<Branch[]> {
    return translated(async () => {
      await conversationRow(this.db, user.userId, conversationId);
      const { rows } = await this.db.query<BranchRow>(
        `SELECT ${BRANCH_COLUMNS} FROM branches WHERE conversation_id = $1 AND user_id = $2 ORDER BY seq`,
        [conversationId, user.userId],
      );
      return rows.map(toBranch);
    });
  }

  /** A new branch is not activated: the Edge Function has a separate activate call for that. */
  createBranch(user: UserContext, conversationId: string, input: CreateBranchInput): Promise<Branch> {
    return this.write(async (tx) => {
      const conversation = await lockConversation(tx, user.userId, conversationId);
      await messageIn(tx, user.userId, conversation.id, input.from_message_id);
      const branch = await this.writer.branch(tx, user.userId, conversation.id, input.from_message_id, input.name);
      await this.writer.touch(tx, user.userId, conversation.id);
      return branch;
    });
  }

  activateBranch(user: UserContext, conversationId: string, branchId: string): Promise<void> {
    return this.write(async (tx) => {
      const conversation = await lockConversation(tx, user.userId, conversationId);
      await branchIn(tx, user.userId, conversation.id, branchId);
      await tx.query('UPDATE conversations SET active_branch_id = $3, updated_at = $4 WHERE id = $1 AND user_id = $2', [
        conversation.id,
        user.userId,
        branchId,
        this.writer.now(),
      ]);
    });
  }

  getMessage(user: UserContext, messageId: string): Promise<Message> {
    return translated(async () => toMessage(await ownedMessage(this.db, user.userId, messageId)));
  }

  editMessage(user: UserContext, messageId: string, content: string): Promise<Message> {
    return this.write(async (tx) => {
      const message = await ownedMessage(tx, user.userId, messageId);
      if (message.role !== 'user') throw notAUserMessage(message.role);
      await lockConversation(tx, user.userId, message.conversation_id);
      const { rows } = await tx.query<MessageRow>(
        `UPDATE messages SET content = $3 WHERE id = $1 AND user_id = $2 RETURNING ${MESSAGE_COLUMNS}`,
        [messageId, user.userId, content],
      );
      await this.writer.touch(tx, user.userId, message.conversation_id);
      return toMessage(rows[0]!);
    });
  }

  /** The fork is NOT activated: the old reply stays visible until the caller has a new one. */
  regenerateFork(user: UserContext, messageId: string, input: RegenerateForkInput): Promise<RegenerateFork> {
    return this.write(async (tx) => {
      const message = await ownedMessage(tx, user.userId, messageId);
      if (message.role !== 'assistant' || message.parent_id === null) throw notAnAssistantReply(message.role);
      await lockConversation(tx, user.userId, message.conversation_id);
      const branch = await this.writer.branch(tx, user.userId, message.conversation_id, message.parent_id, input.branch_name);
      await this.writer.touch(tx, user.userId, message.conversation_id);
      return { branch_id: branch.id, parent_message_id: message.parent_id, conversation_id: message.conversation_id };
    });
  }

  addUserMessage(user: UserContext, input: AddUserMessageInput): Promise<AddedUserMessage> {
    if (input.conversation_id === undefined && input.parent_id !== undefined) return Promise.reject(parentNeedsConversation());
    const message = { role: 'user' as const, content: input.content, model: input.model ?? null, tokens: null, interrupted: false };
    return this.write(async (tx) => {
      if (input.conversation_id === undefined) {
        const created = await this.writer.conversation(tx, user.userId, null, input.model ?? this.defaultModel);
        const branchId = created.active_branch_id!;
        const id = await this.writer.message(tx, user.userId, { ...message, conversationId: created.id, branchId, parentId: null });
        return { message_id: id, conversation_id: created.id, branch_id: branchId, parent_id: null, is_new_conversation: true };
      }
      // A model given with a later message is kept on that message only (as the memory twin does).
      const conversation = await lockConversation(tx, user.userId, input.conversation_id);
      const active = await branchIn(tx, user.userId, conversation.id, conversation.active_branch_id);
      const leaf = await leafOf(tx, user.userId, active);
      let branchId = active.id;
      let parentId = leaf;
      if (input.parent_id !== undefined && input.parent_id !== leaf) {
        // Answering an earlier message opens a new branch there and shows it, like editing a question in a chat UI.
        parentId = (await messageIn(tx, user.userId, conversation.id, input.parent_id)).id;
        branchId = (await this.writer.branch(tx, user.userId, conversation.id, parentId, undefined)).id;
        await tx.query('UPDATE conversations SET active_branch_id = $3 WHERE id = $1 AND user_id = $2', [
          conversation.id,
          user.userId,
          branchId,
        ]);
      }
      const id = await this.writer.message(tx, user.userId, { ...message, conversationId: conversation.id, branchId, parentId });
      return { message_id: id, conversation_id: conversation.id, branch_id: branchId, parent_id: parentId, is_new_conversation: false };
    });
  }

  saveAssistantMessage(user: UserContext, input: SaveAssistantMessageInput): Promise<SavedAssistantMessage> {
    return this.write(async (tx) => {
      const conversation = await lockConversation(tx, user.userId, input.conversation_id);
      await branchIn(tx, user.userId, conversation.id, input.branch_id);
      const parent = await messageIn(tx, user.userId, conversation.id, input.parent_id);
      const replied = await tx.query(`SELECT 1 FROM messages WHERE conversation_id = $1 AND user_id = $2 AND role = 'assistant' LIMIT 1`, [
        conversation.id,
        user.userId,
      ]);
      const tokens = input.tokens_count ?? null;
      const id = await this.writer.message(tx, user.userId, {
        conversationId: conversation.id,
        branchId: input.branch_id,
        parentId: parent.id,
        role: 'assistant',
        content: input.content,
        model: input.model,
        tokens,
        interrupted: input.interrupted === true,
      });
      const title = autoTitle(input.content);
      if (replied.rows.length === 0 && title !== null) {
        // The first reply titles an untitled conversation, as the Edge Function does.
        await tx.query(`UPDATE conversations SET title = $3 WHERE id = $1 AND user_id = $2 AND (title IS NULL OR btrim(title) = '')`, [
          conversation.id,
          user.userId,
          title,
        ]);
      }
      return { message_id: id, tokens_count: tokens };
    });
  }

  async buildContext(user: UserContext, input: BuildContextInput): Promise<BuiltContext> {
    requirePositiveInteger('max_messages', input.max_messages);
    return translated(async () => {
      const conversation = await conversationRow(this.db, user.userId, input.conversation_id);
      const branch = await branchIn(this.db, user.userId, conversation.id, input.branch_id ?? conversation.active_branch_id!);
      const leaf = await leafOf(this.db, user.userId, branch);
      // From the leaf up the parents, the newest `max_messages` only; the depth bound also ends a broken (cyclic) tree.
      const { rows } = await this.db.query<{ role: MessageRole; content: string }>(
        `WITH RECURSIVE thread AS (
           SELECT id, parent_id, role, content, 1 AS depth FROM messages WHERE id = $1 AND conversation_id = $2 AND user_id = $3
           UNION ALL
           SELECT m.id, m.parent_id, m.role, m.content, t.depth + 1
             FROM messages m JOIN thread t ON m.id = t.parent_id
            WHERE m.conversation_id = $2 AND m.user_id = $3 AND t.depth < $4
         )
         SELECT role, content FROM thread ORDER BY depth DESC`,
        [leaf, conversation.id, user.userId, input.max_messages],
      );
      return { messages: rows.map(({ role, content }) => ({ role, content })), model: conversation.model, branch_id: branch.id };
    });
  }

  private write<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return translated(() => this.db.transaction(fn));
  }
}
