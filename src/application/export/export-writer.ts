import type { ErrorCode } from '../../domain/errors/error-codes';
import type { ExportBranches, ExportedConversation } from './exported-conversation';

export type ExportFormat = 'json' | 'ndjson' | 'markdown';

export interface ExportMeta {
  format: ExportFormat;
  branches: ExportBranches;
  exported_at: string;
  /** Ids asked for; null when every conversation is exported. */
  requested: number | null;
}

export interface ExportSummary {
  exported: number;
  not_found: number;
  failed: number;
}

/**
 * Writes one export document a piece at a time: each method returns the text to send next, so a
 * conversation is turned into text as soon as it is fetched and nothing piles up. What must come
 * last (the ids that were not exported) is all a writer may keep, and that is ids only.
 */
export interface ExportWriter {
  readonly contentType: string;
  /** File name extension, without the dot. */
  readonly extension: string;
  begin(meta: ExportMeta): string;
  conversation(conversation: ExportedConversation, meta: ExportMeta): string;
  notFound(id: string): string;
  failed(id: string, error: { code: ErrorCode; message: string }): string;
  end(summary: ExportSummary): string;
}
