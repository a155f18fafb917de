import type { ConversationFull } from '../../../src/domain/conversation/conversation';
import { AppError } from '../../../src/domain/errors/app-error';
import type { UserContext } from '../../../src/domain/user/user-context';
import type { ConversationIndex, IndexedConversation } from '../../../src/ports/conversation-index.port';
import type { ConversationStore } from '../../../src/ports/conversation-store.port';

/** The id of generated conversation `i`: a valid UUID. */
export function generatedId(i: number): string {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

/**
 * `count` conversations of `messages` messages of `messageBytes` characters each, made up on every
 * fetch and kept nowhere, so whatever an export retains shows in the heap. Counts fetches; `onFetch`
 * sees each one before it is answered.
 */
export class GeneratedConversations {
  fetches = 0;
  onFetch: (index: number) => void = () => undefined;

  constructor(
    readonly count: number,
    private readonly messages = 10,
    private readonly messageBytes = 2000,
  ) {}

  full(i: number): ConversationFull {
    const id = generatedId(i);
    const branch = `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const created = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    return {
      conversation: { id, title: `Generated ${i}`, model: 'gpt-4o', active_branch_id: branch, created_at: created, updated_at: created },
      branches: [{ id: branch, conversation_id: id, parent_message_id: null, name: 'Main', created_at: created }],
      messages: Array.from({ length: this.messages }, (_, m) => ({
        id: `20000000-0000-4000-8${String(m).padStart(3, '0')}-${String(i).padStart(12, '0')}`,
        conversation_id: id,
        branch_id: branch,
        parent_id: m === 0 ? null : `20000000-0000-4000-8${String(m - 1).padStart(3, '0')}-${String(i).padStart(12, '0')}`,
        role: m % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content: `${i}:${m} `.padEnd(this.messageBytes, 'lorem ipsum '),
        model: 'gpt-4o',
        tokens_count: null,
        created_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000 + m * 1000).toISOString(),
      })),
    };
  }

  store(): ConversationStore {
    const fail = (): never => {
      throw new Error('not used by exports');
    };
    return {
      getConversationFull: async (_user: UserContext, id: string) => {
        const i = Number(id.slice(-12));
        this.fetches += 1;
        this.onFetch(i);
        await new Promise((resolve) => setImmediate(resolve));
        if (!id.startsWith('00000000-0000-4000-8000-') || i >= this.count) throw new AppError('NOT_FOUND', 'Conversation not found');
        return this.full(i);
      },
      createConversation: fail,
      listConversations: fail,
      getConversation: fail,
      updateConversation: fail,
      listBranches: fail,
      createBranch: fail,
      activateBranch: fail,
      getMessage: fail,
      editMessage: fail,
      regenerateFork: fail,
      addUserMessage: fail,
      saveAssistantMessage: fail,
      buildContext: fail,
    };
  }

  /** An index that lists the generated conversations' ids (all an export of everything asks it). */
  index(): ConversationIndex {
    const fail = (): never => {
      throw new Error('not used by exports');
    };
    return {
      listConversations: async (_user, _filter, _order, page) => {
        const items: IndexedConversation[] = [];
        for (let i = page.offset; i < Math.min(this.count, page.offset + page.limit); i += 1) {
          const c = this.full(i).conversation;
          items.push({ ...c, message_count: this.messages, branch_count: 1 });
        }
        return { items, total: this.count };
      },
      conversationsByIds: fail,
      findByTitle: fail,
      findMessages: fail,
      messageActivity: fail,
      deleteConversations: fail,
    };
  }
}
