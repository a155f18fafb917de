import type { ErrorCode } from '../../domain/errors/error-codes';
import type { ImportFormat, SkipReason } from '../../domain/import/imported-conversation';

interface ResultBase {
  /** Position in the file's conversation list. */
  index: number;
  source_id: string;
  title: string | null;
  /** Source nodes left out, by reason. */
  skipped_nodes: Partial<Record<SkipReason, number>>;
}

export type ImportResult =
  | (ResultBase & { status: 'imported'; conversation_id: string; branches: number; messages: number })
  /** `already_imported`: `conversation_id` is the earlier import; `empty`: nothing to import. */
  | (ResultBase & { status: 'skipped'; reason: 'already_imported' | 'empty'; conversation_id?: string })
  /** Nothing of it was kept; `conversation_id` only when removing a partial write failed too. */
  | (ResultBase & { status: 'failed'; code: ErrorCode; message: string; conversation_id?: string });

export interface ImportTotals {
  conversations: number;
  imported: number;
  skipped: number;
  failed: number;
  /** Messages written, over all imported conversations. */
  messages: number;
  branches: number;
  /** Source nodes left out, over every conversation. */
  skipped_nodes: number;
}

export interface ImportReport {
  format: ImportFormat;
  conversations: ImportResult[];
  totals: ImportTotals;
}

/** What a caller following an import sees, in order: `start` once, a `conversation` per result, `end` once. */
export type ImportEvent =
  | { type: 'start'; format: ImportFormat; total: number }
  | ({ type: 'conversation' } & ImportResult)
  | { type: 'end'; format: ImportFormat; totals: ImportTotals };

export function emptyTotals(): ImportTotals {
  return { conversations: 0, imported: 0, skipped: 0, failed: 0, messages: 0, branches: 0, skipped_nodes: 0 };
}

export function addToTotals(totals: ImportTotals, result: ImportResult): void {
  totals.conversations += 1;
  totals[result.status] += 1;
  totals.skipped_nodes += Object.values(result.skipped_nodes).reduce((a, b) => a + (b ?? 0), 0);
  if (result.status === 'imported') {
    totals.messages += result.messages;
    totals.branches += result.branches;
  }
}
