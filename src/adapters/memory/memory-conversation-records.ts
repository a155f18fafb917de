import { MAIN_BRANCH_NAME, type Branch, type Conversation, type Message, type MessageRole } from '../../domain/conversation/conversation';
import { notFound } from '../../domain/errors/app-error';
import type { UserContext } from '../../domain/user/user-context';
import type { Clock } from '../../ports/clock.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import type { ConversationRows, MemoryConversationTables } from './memory-conversation-tables';

export interface ConversationRecord {
  ownerId: string;
  conversation: Conversation;
  /** Creation order. */
  branches: Branch[];
  /** Creation order. */
  messages: Message[];
  messagesById: Map<string, Message>;
  /** The newest message written on each branch: where its thread ends. */
  lastMessageOfBranch: Map<string, string>;
}

/**
 * The rows of the in-memory conversation store, kept per conversation so that one ownership check
 * on the conversation guards its branches and messages too; another user's data is NOT_FOUND,
 * exactly like an unknown id (as row-level security makes it upstream). The store builds the
 * port's operations on these; the memory ConversationIndex reads them as tables.
 */
export class ConversationRecords implements MemoryConversationTables {
  private readonly conversations = new Map<string, ConversationRecord>();
  private readonly conversationIdsByOwner = new Map<string, Set<string>>();
  private readonly conversationIdOfMessage = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** The user's conversations, newest created first. */
  ownedBy(userId: string): ConversationRecord[] {
    return [...(this.conversationIdsByOwner.get(userId) ?? [])].reverse().map((id) => this.conversations.get(id)!);
  }

  *rowsOf(userId: string): Iterable<ConversationRows> {
    for (const id of this.conversationIdsByOwner.get(userId) ?? []) {
      const record = this.conversations.get(id);
      if (record) yield record;
    }
  }

  allRows(): Iterable<ConversationRows> {
    return this.conversations.values();
  }

  deleteConversations(userId: string, ids: readonly string[]): string[] {
    const deleted: string[] = [];
    for (const id of new Set(ids)) {
      const record = this.conversations.get(id);
      if (!record || record.ownerId !== userId) continue;
      for (const message of record.messages) this.conversationIdOfMessage.delete(message.id);
      this.conversations.delete(id);
      this.conversationIdsByOwner.get(userId)?.delete(id);
      deleted.push(id);
    }
    return deleted;
  }

  newConversation(user: UserContext, title: string | null, model: string): ConversationRecord {
    const now = this.now();
    const conversation: Conversation = {
      id: this.ids.uuid(),
      title,
      model,
      active_branch_id: null,
      created_at: now,
      updated_at: now,
    };
    const record: ConversationRecord = {
      ownerId: user.userId,
      conversation,
      branches: [],
      messages: [],
      messagesById: new Map(),
      lastMessageOfBranch: new Map(),
    };
    this.conversations.set(conversation.id, record);
    let own = this.conversationIdsByOwner.get(user.userId);
    if (!own) this.conversationIdsByOwner.set(user.userId, (own = new Set()));
    own.add(conversation.id);
    conversation.active_branch_id = this.newBranch(record, null, MAIN_BRANCH_NAME).id;
    return record;
  }

  newBranch(record: ConversationRecord, parentMessageId: string | null, name: string | undefined): Branch {
    const branch: Branch = {
      id: this.ids.uuid(),
      conversation_id: record.conversation.id,
      parent_message_id: parentMessageId,
      name: name ?? `Branch ${record.branches.length + 1}`,
      created_at: this.now(),
    };
    record.branches.push(branch);
    return branch;
  }

  append(
    record: ConversationRecord,
    branchId: string,
    parentId: string | null,
    role: MessageRole,
    content: string,
    model: string | null,
    tokensCount: number | null,
  ): Message {
    const message: Message = {
      id: this.ids.uuid(),
      conversation_id: record.conversation.id,
      branch_id: branchId,
      parent_id: parentId,
      role,
      content,
      model,
      tokens_count: tokensCount,
      created_at: this.now(),
    };
    record.messages.push(message);
    record.messagesById.set(message.id, message);
    record.lastMessageOfBranch.set(branchId, message.id);
    this.conversationIdOfMessage.set(message.id, record.conversation.id);
    this.touch(record);
    return message;
  }

  /** Where a branch's thread ends: its newest message, or its fork point while it has none. */
  leafOf(record: ConversationRecord, branch: Branch): string | null {
    return record.lastMessageOfBranch.get(branch.id) ?? branch.parent_message_id;
  }

  ownedConversation(user: UserContext, conversationId: string): ConversationRecord {
    const record = this.conversations.get(conversationId);
    if (!record || record.ownerId !== user.userId) throw notFound('Conversation');
    return record;
  }

  ownedMessage(user: UserContext, messageId: string): { record: ConversationRecord; message: Message } {
    const conversationId = this.conversationIdOfMessage.get(messageId);
    const record = conversationId === undefined ? undefined : this.conversations.get(conversationId);
    if (!record || record.ownerId !== user.userId) throw notFound('Message');
    return { record, message: record.messagesById.get(messageId)! };
  }

  messageOf(record: ConversationRecord, messageId: string): Message {
    const message = record.messagesById.get(messageId);
    if (!message) throw notFound('Message');
    return message;
  }

  branchOf(record: ConversationRecord, branchId: string): Branch {
    const branch = record.branches.find((b) => b.id === branchId);
    if (!branch) throw notFound('Branch');
    return branch;
  }

  touch(record: ConversationRecord): void {
    record.conversation.updated_at = this.now();
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}
