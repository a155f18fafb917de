// Importing a ChatGPT or Claude export (or this API's own JSON export) with progress:
// POST /v1/import takes the file as the body; Accept: application/x-ndjson streams one line per conversation.
import type { ImportResult, ImportTotals } from '../../clients/typescript';
import { gatewayErrorOf, type Gateway } from './gateway-api';

export interface ImportProgress {
  done: number;
  total: number;
  last: ImportResult;
}

/**
 * Uploads `file` (e.g. from `<input type="file">`) and reports each conversation as it is written.
 * A malformed file is refused before anything is written: it rejects with a GatewayError whose
 * `details.fields[0].path` names the first bad place.
 */
export async function importFile(
  gateway: Gateway,
  file: Blob,
  onProgress: (progress: ImportProgress) => void = () => {},
  format?: 'chatgpt' | 'claude' | 'gateway',
): Promise<{ results: ImportResult[]; totals: ImportTotals }> {
  const response = await gateway.fetch(`/v1/import${format ? `?format=${format}` : ''}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson' },
    body: file,
  });
  if (!response.ok) throw await gatewayErrorOf(response);
  const results: ImportResult[] = [];
  let total = 0;
  let totals: ImportTotals | undefined;
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    buffered += value ?? '';
    const lines = buffered.split('\n');
    buffered = done ? '' : lines.pop()!;
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const event = JSON.parse(line) as { type: string; total?: number; totals?: ImportTotals; code?: string; message?: string };
      if (event.type === 'start') total = event.total!;
      if (event.type === 'conversation') {
        const { type: _type, ...result } = event as ImportResult & { type: string };
        results.push(result);
        onProgress({ done: results.length, total, last: result });
      }
      if (event.type === 'end') totals = event.totals;
      if (event.type === 'error') throw new Error(`import stopped: ${event.code} ${event.message}`);
    }
    if (done) break;
  }
  if (!totals) throw new Error('import ended without its totals (connection cut)');
  return { results, totals };
}
