import type { ErrorCode } from '../../domain/errors/error-codes';
import type { ExportedConversation } from './exported-conversation';
import type { ExportFormat, ExportMeta, ExportSummary, ExportWriter } from './export-writer';
import { MarkdownExportWriter } from './markdown-export';

/**
 * One JSON document: `{"export": {...}, "conversations": [...], "not_found": [...], "failed": [...], "exported": n}`.
 * The conversations array is written element by element; the lists of ids not exported come after it.
 */
class JsonExportWriter implements ExportWriter {
  readonly contentType = 'application/json; charset=utf-8';
  readonly extension = 'json';
  private readonly missing: string[] = [];
  private readonly failures: { id: string; code: ErrorCode; message: string }[] = [];
  private first = true;

  begin(meta: ExportMeta): string {
    return `{"export":${JSON.stringify(meta)},"conversations":[\n`;
  }

  conversation(conversation: ExportedConversation): string {
    const separator = this.first ? '' : ',\n';
    this.first = false;
    return separator + JSON.stringify(conversation);
  }

  notFound(id: string): string {
    this.missing.push(id);
    return '';
  }

  failed(id: string, error: { code: ErrorCode; message: string }): string {
    this.failures.push({ id, ...error });
    return '';
  }

  end(summary: ExportSummary): string {
    return `\n],"not_found":${JSON.stringify(this.missing)},"failed":${JSON.stringify(this.failures)},"exported":${summary.exported}}\n`;
  }
}

/**
 * One JSON object per line, each with a `type`: `export` (first), `conversation`, `not_found`,
 * `failed`, `end` (last, with the counts). A reader can process it line by line.
 */
class NdjsonExportWriter implements ExportWriter {
  readonly contentType = 'application/x-ndjson; charset=utf-8';
  readonly extension = 'ndjson';

  begin(meta: ExportMeta): string {
    return `${JSON.stringify({ type: 'export', ...meta })}\n`;
  }

  conversation(conversation: ExportedConversation): string {
    return `${JSON.stringify({ type: 'conversation', ...conversation })}\n`;
  }

  notFound(id: string): string {
    return `${JSON.stringify({ type: 'not_found', id })}\n`;
  }

  failed(id: string, error: { code: ErrorCode; message: string }): string {
    return `${JSON.stringify({ type: 'failed', id, ...error })}\n`;
  }

  end(summary: ExportSummary): string {
    return `${JSON.stringify({ type: 'end', ...summary })}\n`;
  }
}

export function exportWriter(format: ExportFormat): ExportWriter {
  switch (format) {
    case 'json':
      return new JsonExportWriter();
    case 'ndjson':
      return new NdjsonExportWriter();
    case 'markdown':
      return new MarkdownExportWriter();
  }
}
