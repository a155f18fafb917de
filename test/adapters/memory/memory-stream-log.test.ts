import { MemoryStreamLog } from '../../../src/adapters/memory/memory-stream-log';
import { describeStreamLogContract } from '../../contracts/stream-log.contract';

describeStreamLogContract('MemoryStreamLog', async () => {
  const log = new MemoryStreamLog({ retentionMs: 60_000, maxEvents: 10_000 });
  return { log, other: log, close: () => log.close() };
});
