/**
 * Run as a child process with `--expose-gc`: exports 1,000 generated conversations (about 20 KB
 * each) as JSON into nowhere, and prints the heap in use after a full GC once 100 and once all
 * 1,000 conversations went through. Flat memory means the two are about equal; an export that
 * kept its conversations would grow by about 20 MB in between.
 */
import 'reflect-metadata';
import { ExportConversations } from '../../../src/application/export/export-conversations.use-case';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { RecordingLogger } from '../../support/recording-logger';
import { GeneratedConversations } from './generated-conversations';

const COUNT = 1000;

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const source = new GeneratedConversations(COUNT);
  const useCase = new ExportConversations(source.store(), source.index(), new SystemClock(), new RecordingLogger());
  const download = await useCase.start(
    { userId: '11111111-1111-4111-8111-111111111111', token: 't' },
    { format: 'json', branches: 'active' },
  );
  const heap: Record<number, number> = {};
  let bytes = 0;
  for await (const chunk of download.chunks) {
    bytes += chunk.length;
    if (source.fetches === 100 || source.fetches === COUNT) {
      gc();
      heap[source.fetches] ??= process.memoryUsage().heapUsed;
    }
  }
  process.stdout.write(`${JSON.stringify({ conversations: source.fetches, bytes, heapAt100: heap[100], heapAtEnd: heap[COUNT] })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
