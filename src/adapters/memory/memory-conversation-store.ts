import {
  AUTO_TITLE_LENGTH,
  type Branch,
  type Conversation,
  type ConversationFull,
  type ConversationSummary,
  type Message,
  type Page,
} from '../../domain/conversation/conversation';
import { AppError } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
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
import { ConversationRecords } from './memory-conversation-records';
import type { ConversationRows, MemoryConversationTables } from './memory-conversation-tables';

/** The model of a conversation started without one: the built-in local model of the embedded default. */
export const MEMORY_STORE_DEFAULT_MODEL = 'local/echo';

/**
 * The conversation-manager Edge Function in process: the embedded default and the twin the
 * contract suite holds the real adapter to. Everything is kept per conversation so that one
 * ownership check on the conversation guards its branches and messages too; another user's data is
 * NOT_FOUND, exactly like an unknown id, as RLS makes it upstream.
 *
 * Objects are cloned on the way in and out, so callers can never change stored state by mutating
 * what they passed or received (the same isolation a JSON round trip gives the real adapter).
 * Its rows are also readable, and deletable, as tables (MemoryConversationTables): the memory
 * ConversationIndex is a second view of this same data, as Supabase REST is of the Edge Function's.
 */
export class MemoryConversationStore implements ConversationStore, MemoryConversationTables {
  private readonly records: ConversationRecords;
  /**
   * Replies saved with the port's `interrupted` flag (a cut stream). The Edge Function's
   * `/save-response` has no field for it and `Message` mirrors its row, so the twin keeps the flag
   * beside the messages instead of dropping it: `isInterrupted` shows it.
   */
  private readonly interruptedMessageIds = new Set<string>();

  constructor(
    clock: Clock,
    ids: IdGenerator,
    private readonly defaultModel: string = MEMORY_STORE_DEFAULT_MODEL,
  ) {
    this.records = new ConversationRecords(clock, ids);
  }

  async createConversation(user: UserContext, input: CreateConversationInput): Promise<Conversation> {
    const record = this.records.newConversation(user, input.title ?? null, input.model);
    return clone(record.conversation);
  }

  async listConversations(user: UserContext, input: ListConversationsInput): Promise<Page<ConversationSummary>> {
    requirePositiveInteger('page', input.page);
    requirePositiveInteger('limit', input.limit);
    // Newest first; on equal timestamps the later-created conversation first (the sort is stable).
    const own = this.records
      .ownedBy(user.userId)
      .map((record) => record.conversation)
      .sort((a, b) => (a.updated_at === b.updated_at ? 0 : a.updated_at < b.updated_at ? 1 : -1));
    const start = (input.page - 1) * input.limit;
    const items = own.slice(start, start + input.limit).map(({ id, title, model, created_at, updated_at }) => ({
      id,
      title,
      model,
      created_at,
      updated_at,
    }));
    return { items, total: own.length, page: input.page, limit: input.limit };
  }

  async getConversation(user: UserContext, conversationId: string): Promise<Conversation> {
    return clone(this.records.ownedConversation(user, conversationId).conversation);
  }

  async getConversationFull(user: UserContext, conversationId: string): Promise<ConversationFull> {
    const record = this.records.ownedConversation(user, conversationId);
    return clone({ conversation: record.conversation, branches: record.branches, messages: record.messages });
  }

  async updateConversation(user: UserContext, conversationId: string, input: UpdateConversationInput): Promise<Conversation> {
    const record = this.records.ownedConversation(user, conversationId);
    const conversation = record.conversation;
    if (input.title !== undefined) conversation.title = input.title;
    if (input.model !== undefined) conversation.model = input.model;
    if (input.settings !== undefined) conversation.settings = clone(input.settings);
    this.records.touch(record);
    return clone(conversation);
  }

  async listBranches(user: UserContext, conversationId: string): Promise<Branch[]> {
    return clone(this.records.ownedConversation(user, conversationId).branches);
  }

  /** A new branch is not activated: the Edge Function has a separate activate call for that. */
  async createBranch(user: UserContext, conversationId: string, input: CreateBranchInput): Promise<Branch> {
    const record = this.records.ownedConversation(user, conversationId);
    const from = this.records.messageOf(record, input.from_message_id);
    const branch = this.records.newBranch(record, from.id, input.name);
    this.records.touch(record);
    return clone(branch);
  }

  async activateBranch(user: UserContext, conversationId: string, branchId: string): Promise<void> {
    const record = this.records.ownedConversation(user, conversationId);
    this.records.branchOf(record, branchId);
    record.conversation.active_branch_id = branchId;
    this.records.touch(record);
  }

  async getMessage(user: UserContext, messageId: string): Promise<Message> {
    const { message } = this.records.ownedMessage(user, messageId);
    return clone(message);
  }

  async editMessage(user: UserContext, messageId: string, content: string): Promise<Message> {
    const { record, message } = this.records.ownedMessage(user, messageId);
    if (message.role !== 'user') {
      throw new AppError('VALIDATION_ERROR', `Only user messages can be edited; this one has role ${message.role}`, {
        details: { fields: [{ path: 'message_id', message: `is a ${message.role} message, not a user message` }] },
      });
    }
    message.content = content;
    this.records.touch(record);
    return clone(message);
  }

  /**
   * The fork is NOT activated: the conversation keeps showing the old reply until the caller has a
   * new one and activates the fork itself (a failed regeneration must not leave the user looking at
   * a thread that ends in an unanswered question). The contract suite asserts this.
   */
  async regenerateFork(user: UserContext, messageId: string, input: RegenerateForkInput): Promise<RegenerateFork> {
    const { record, message } = this.records.ownedMessage(user, messageId);
    if (message.role !== 'assistant' || message.parent_id === null) {
      throw new AppError('VALIDATION_ERROR', `Only assistant replies can be regenerated; this message has role ${message.role}`, {
        details: { fields: [{ path: 'message_id', message: `is a ${message.role} message, not an assistant reply` }] },
      });
    }
    const branch = this.records.newBranch(record, message.parent_id, input.branch_name);
    this.records.touch(record);
    return { branch_id: branch.id, parent_message_id: message.parent_id, conversation_id: record.conversation.id };
  }

  async addUserMessage(user: UserContext, input: AddUserMessageInput): Promise<AddedUserMessage> {
    if (input.conversation_id === undefined) {
      if (input.parent_id !== undefined) {
        throw new AppError('VALIDATION_ERROR', 'parent_id needs a conversation_id', {
          details: { fields: [{ path: 'parent_id', message: 'is only allowed with conversation_id' }] },
        });
      }
      const record = this.records.newConversation(user, null, input.model ?? this.defaultModel);
      const branchId = record.branches[0]!.id;
      const message = this.records.append(record, branchId, null, 'user', input.content, input.model ?? null, null);
      return {
        message_id: message.id,
        conversation_id: record.conversation.id,
        branch_id: branchId,
        parent_id: null,
        is_new_conversation: true,
      };
    }

    // A model given with a later message is kept on that message only: the conversation's model
    // changes through updateConversation, so buildContext keeps answering with the chosen one.
    const record = this.records.ownedConversation(user, input.conversation_id);
    const activeBranchId = record.conversation.active_branch_id!;
    const activeLeaf = this.records.leafOf(record, this.records.branchOf(record, activeBranchId));
    let branchId = activeBranchId;
    let parentId = activeLeaf;
    if (input.parent_id !== undefined && input.parent_id !== activeLeaf) {
      // Answering an earlier message rewrites history from there: like editing a question in a chat
      // UI, it opens a new branch at that message and shows it, keeping the old thread reachable.
      parentId = this.records.messageOf(record, input.parent_id).id;
      const fork = this.records.newBranch(record, parentId, undefined);
      record.conversation.active_branch_id = fork.id;
      branchId = fork.id;
    }
    const message = this.records.append(record, branchId, parentId, 'user', input.content, input.model ?? null, null);
    return {
      message_id: message.id,
      conversation_id: record.conversation.id,
      branch_id: branchId,
      parent_id: parentId,
      is_new_conversation: false,
    };
  }

  async saveAssistantMessage(user: UserContext, input: SaveAssistantMessageInput): Promise<SavedAssistantMessage> {
    const record = this.records.ownedConversation(user, input.conversation_id);
    this.records.branchOf(record, input.branch_id);
    const parent = this.records.messageOf(record, input.parent_id);
    const isFirstReply = !record.messages.some((m) => m.role === 'assistant');
    const message = this.records.append(
      record,
      input.branch_id,
      parent.id,
      'assistant',
      input.content,
      input.model,
      input.tokens_count ?? null,
    );
    if (input.interrupted) this.interruptedMessageIds.add(message.id);
    const title = record.conversation.title;
    if (isFirstReply && (title === null || title.trim() === '')) {
      const autoTitle = input.content.slice(0, AUTO_TITLE_LENGTH).trim();
      if (autoTitle !== '') record.conversation.title = autoTitle;
    }
    return { message_id: message.id, tokens_count: message.tokens_count };
  }

  /** True when the reply was saved marked interrupted (what was relayed before the stream was cut). */
  isInterrupted(messageId: string): boolean {
    return this.interruptedMessageIds.has(messageId);
  }

  async buildContext(user: UserContext, input: BuildContextInput): Promise<BuiltContext> {
    requirePositiveInteger('max_messages', input.max_messages);
    const record = this.records.ownedConversation(user, input.conversation_id);
    const branch = this.records.branchOf(record, input.branch_id ?? record.conversation.active_branch_id!);
    const thread: Message[] = [];
    for (let id = this.records.leafOf(record, branch); id !== null;) {
      const message: Message = record.messagesById.get(id)!;
      thread.push(message);
      id = message.parent_id;
    }
    const newest = thread.slice(0, input.max_messages).reverse();
    return {
      messages: newest.map(({ role, content }) => ({ role, content })),
      model: record.conversation.model,
      branch_id: branch.id,
    };
  }

  rowsOf(userId: string): Iterable<ConversationRows> {
    return this.records.rowsOf(userId);
  }

  allRows(): Iterable<ConversationRows> {
    return this.records.allRows();
  }

  deleteConversations(userId: string, ids: readonly string[]): string[] {
    return this.records.deleteConversations(userId, ids);
  }
}

function requirePositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new AppError('VALIDATION_ERROR', `${field} must be a positive integer`, {
      details: { fields: [{ path: field, message: 'must be a positive integer' }] },
    });
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
