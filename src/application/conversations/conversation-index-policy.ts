import { token } from '../../ports/token';
/** Bounds of search, batch and activity calls, taken from the configuration by the composition root. */
export interface ConversationIndexPolicy {
  /** Title matches and message matches a search looks at, each (the newest ones). */
  searchMaxCandidates: number;
  /** Upstream calls one batch request keeps in flight at once. */
  batchConcurrency: number;
  /** Rows read at most to compute usage or statistics. */
  activityMaxRows: number;
}

export const CONVERSATION_INDEX_POLICY = token<ConversationIndexPolicy>('ConversationIndexPolicy');

/** Conversations one batch call may name. */
export const BATCH_MAX_IDS = 100;
/** Conversations one export may name (without ids, every conversation is exported). */
export const EXPORT_MAX_IDS = 1000;
