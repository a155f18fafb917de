/**
 * A conversation read from another product's export, before it is written anywhere: a tree of
 * user and assistant messages (parents listed before their children), what was left out and why.
 */
export const IMPORT_FORMATS = ['chatgpt', 'claude', 'gateway'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Why a node of the source was not imported (counted per conversation). */
export type SkipReason =
  | 'system'
  | 'tool'
  | 'empty'
  | 'non_text'
  | 'unknown_role'
  /** A reply before any question: the store's threads start with a user message. */
  | 'leading_assistant'
  /** Another first question (the first message edited): every branch of the store forks at a message. */
  | 'root_fork';

export interface ImportedMessage {
  /** The source's id of the node (unique within the conversation). */
  key: string;
  /** The nearest imported ancestor; null for the first message. */
  parentKey: string | null;
  role: 'user' | 'assistant';
  content: string;
  model: string | null;
  /** Source time, ISO-8601, when the source has one. */
  createdAt: string | null;
  /** Name for the branch this message opens when it is not its parent's first child. */
  branchName?: string;
}

export interface ImportedConversation {
  format: ImportFormat;
  /** The source's id of the conversation: with the format, what makes an import idempotent. */
  sourceId: string;
  title: string | null;
  model: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  /**
   * Parents before children; among siblings, the first continues its parent's branch and each
   * further one forks a new branch.
   */
  messages: ImportedMessage[];
  /** The message the user last saw (its branch becomes the active one); null: the first thread. */
  currentKey: string | null;
  skipped: Partial<Record<SkipReason, number>>;
}

/** Seconds since the epoch (ChatGPT's times) as ISO-8601, or null when absent or out of range. */
export function isoFromEpochSeconds(value: number | null | undefined): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An ISO-8601 text as given, when it parses; null otherwise. */
export function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return null;
  return new Date(Date.parse(value)).toISOString();
}

export function countSkip(skipped: ImportedConversation['skipped'], reason: SkipReason, n = 1): void {
  skipped[reason] = (skipped[reason] ?? 0) + n;
}
