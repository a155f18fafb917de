import type { Branch, Conversation, Message } from '../../domain/conversation/conversation';

/** One stored conversation with its rows, as the tables hold them. */
export interface ConversationRows {
  ownerId: string;
  conversation: Readonly<Conversation>;
  /** Creation order. */
  branches: readonly Readonly<Branch>[];
  /** Creation order. */
  messages: readonly Readonly<Message>[];
}

/**
 * The rows behind the memory ConversationStore, for the other in-process views of the same data:
 * the memory ConversationIndex (search, statistics, deletion) of the embedded default, and test
 * fakes of Supabase REST that must show what the store holds. The views are live and read-only:
 * a reader copies what it hands out and never mutates what it reads.
 */
export interface MemoryConversationTables {
  /** The user's conversations, in creation order. */
  rowsOf(userId: string): Iterable<ConversationRows>;
  /** Every user's conversations. */
  allRows(): Iterable<ConversationRows>;
  /** Removes the user's conversations among `ids` with their branches and messages; answers the ids removed. */
  deleteConversations(userId: string, ids: readonly string[]): string[];
}
