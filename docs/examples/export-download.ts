// Downloading an export: POST /v1/export/conversations answers a file (JSON, NDJSON or Markdown).
import { gatewayErrorOf, type Gateway } from './gateway-api';

export interface ExportRequest {
  /** Conversations in this order; absent: every conversation of the user. */
  ids?: string[];
  format?: 'json' | 'ndjson' | 'markdown';
  /** `active` (default): the thread the user sees; `all`: every branch. */
  branches?: 'active' | 'all';
}

export interface ExportFile {
  blob: Blob;
  filename: string;
}

/** The file and the name the gateway gave it (`Content-Disposition`). */
export async function fetchExport(gateway: Gateway, request: ExportRequest): Promise<ExportFile> {
  const response = await gateway.fetch('/v1/export/conversations', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (!response.ok) throw await gatewayErrorOf(response);
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'conversations-export';
  // A failure after the download started cuts the transfer: blob() rejects instead of giving a truncated file.
  return { blob: await response.blob(), filename };
}

/** What saving needs of the page: pass `document`. */
export interface DownloadPage {
  createElement(tag: 'a'): { href: string; download: string; click(): void };
}

/** Hands the file to the browser's download manager. */
export function saveFile(file: ExportFile, page: DownloadPage, urls: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'> = URL): void {
  const url = urls.createObjectURL(file.blob);
  const link = page.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.click();
  // The browser reads the object URL after click() returns: release it a little later.
  setTimeout(() => urls.revokeObjectURL(url), 1000);
}
