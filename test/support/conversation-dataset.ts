import { MemoryConversationStore } from '../../src/adapters/memory/memory-conversation-store';
import { CryptoIdGenerator } from '../../src/adapters/system/crypto-id-generator';
import type { UserContext } from '../../src/domain/user/user-context';
import type { Clock } from '../../src/ports/clock.port';
import type { ConversationStore } from '../../src/ports/conversation-store.port';
import { devToken, USER_A, USER_B } from './tokens';

/** A clock the dataset sets before each conversation; every read moves it one minute on, so every write has its own time. */
export class SteppingClock implements Clock {
  private ms = Date.parse('2026-01-01T00:00:00.000Z');

  set(iso: string): void {
    this.ms = Date.parse(iso);
  }

  /** Stops stepping: later reads answer this instant (for "now" in statistics). */
  freeze(iso: string): void {
    this.ms = Date.parse(iso);
    this.frozen = true;
  }

  private frozen = false;

  advanceMs(ms: number): void {
    this.ms += ms;
  }

  monotonicMs(): number {
    return this.ms;
  }

  nowMs(): number {
    if (this.frozen) return this.ms;
    this.ms += 60_000;
    return this.ms;
  }

  now(): Date {
    return new Date(this.nowMs());
  }
}

export interface SeededConversation {
  id: string;
  /** Message ids in the order they were written. */
  messages: string[];
}

export interface Dataset {
  alice: UserContext;
  bob: UserContext;
  tbilisi: SeededConversation;
  budget: SeededConversation;
  fortress: SeededConversation;
  hostile: SeededConversation;
  unicode: SeededConversation;
  empty: SeededConversation;
  bobs: SeededConversation;
}

/** Text of the hostile conversation's question: PostgREST and LIKE metacharacters, meant literally. */
export const HOSTILE_QUESTION = `Find x,user_id.neq.0 and or=(id.neq.0) in "quotes" and 'single' with back\\slash, 50% and a*b.`;

export function userContext(userId: string): UserContext {
  return { userId, token: devToken(userId) };
}

/**
 * The known data set of the conversation-index tests, written through the memory store's own API
 * (so branches, counts and timestamps are what the store really makes). Alice has six
 * conversations created two days apart from 2026-01-10 10:00 UTC; Bob has one that shares words
 * with hers and must never show up for her. See the comments for what each one is there to prove.
 */
export async function seedDataset(store: ConversationStore, clock: SteppingClock): Promise<Dataset> {
  const alice = userContext(USER_A);
  const bob = userContext(USER_B);

  const conversation = async (
    user: UserContext,
    at: string,
    title: string,
    model: string,
    turns: [string, string | null, number | null][],
  ): Promise<SeededConversation> => {
    clock.set(at);
    const c = await store.createConversation(user, { title, model });
    const messages: string[] = [];
    for (const [question, answer, tokens] of turns) {
      const added = await store.addUserMessage(user, { conversation_id: c.id, content: question });
      messages.push(added.message_id);
      if (answer === null) continue;
      const saved = await store.saveAssistantMessage(user, {
        conversation_id: c.id,
        branch_id: added.branch_id,
        parent_id: added.message_id,
        content: answer,
        model,
        ...(tokens === null ? {} : { tokens_count: tokens }),
      });
      messages.push(saved.message_id);
    }
    return { id: c.id, messages };
  };

  // "fortress" only in a reply, in the middle of it.
  const tbilisi = await conversation(alice, '2026-01-10T10:00:00Z', 'Trip planning for Tbilisi', 'gpt-4o', [
    [
      'Plan a three-day trip to Tbilisi.',
      'Day 1: the Old Town and the Narikala fortress. Day 2: the sulphur baths. Day 3: a day trip to Mtskheta.',
      1000,
    ],
  ]);
  // `50%` and `budget_total` next to decoys (`50 percent`, `budgetXtotal`) that a wildcard would also match;
  // the second reply has no token count.
  const budget = await conversation(alice, '2026-01-12T10:00:00Z', 'Budget spreadsheet', 'gpt-4o-mini', [
    ['How do I take 50% of budget_total?', 'Multiply budget_total by 0.5; a fortress of formulas is not needed.', 500],
    ['And budgetXtotal with 50 percent?', 'The same: 50 percent is a half.', null],
  ]);
  // "fortress" in the title; a regenerated reply on a second branch.
  const fortress = await conversation(alice, '2026-01-14T10:00:00Z', 'Notes on fortress architecture', 'claude-3-5-sonnet', [
    ['Describe medieval castle walls.', 'Curtain walls, towers and a moat.', 2000],
  ]);
  const fork = await store.regenerateFork(alice, fortress.messages[1]!, { branch_name: 'Regenerated' });
  const regenerated = await store.saveAssistantMessage(alice, {
    conversation_id: fortress.id,
    branch_id: fork.branch_id,
    parent_id: fork.parent_message_id,
    content: 'Thick stone walls and gatehouses.',
    model: 'claude-3-5-sonnet',
    tokens_count: 1500,
  });
  await store.activateBranch(alice, fortress.id, fork.branch_id);
  fortress.messages.push(regenerated.message_id);
  // Metacharacters of PostgREST's filter syntax and of LIKE, each with a decoy a pattern would match.
  const hostile = await conversation(alice, '2026-01-16T10:00:00Z', 'Odd characters (a*b) & co', 'gpt-4o', [
    [HOSTILE_QUESTION, 'Literal: axb, backslash, x_user_id.neq.0, 100 percent sure.', 10],
  ]);
  const unicode = await conversation(alice, '2026-01-18T10:00:00Z', 'Café déjà vu 😀', 'gpt-4o', [
    ['Привет, мир! Как дела в Токио?', '東京の天気は晴れです。ÜBER straße.', 30],
  ]);
  const empty = await conversation(alice, '2026-01-20T10:00:00Z', 'Empty conversation', 'gpt-4o-mini', []);
  const bobs = await conversation(bob, '2026-01-11T10:00:00Z', 'Tbilisi fortress secrets', 'gpt-4o', [
    ['fortress x,user_id.neq.0 Café budget_total 50%', "Bob's fortress reply", 999],
  ]);
  return { alice, bob, tbilisi, budget, fortress, hostile, unicode, empty, bobs };
}

/** A memory store on a stepping clock, seeded with the data set. */
export async function seededStore(): Promise<{ store: MemoryConversationStore; clock: SteppingClock; data: Dataset }> {
  const clock = new SteppingClock();
  const store = new MemoryConversationStore(clock, new CryptoIdGenerator());
  const data = await seedDataset(store, clock);
  return { store, clock, data };
}
