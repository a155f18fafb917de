import { expect } from 'chai';
import { MemoryStreamLog } from '../../../src/adapters/memory/memory-stream-log';
import { describeStreamLogContract } from '../../contracts/stream-log.contract';
import type { TurnRecord } from '../../../src/ports/stream-log.port';

describeStreamLogContract('MemoryStreamLog', async () => {
  const log = new MemoryStreamLog({ retentionMs: 60_000, maxEvents: 10_000 });
  return { log, other: log, close: () => log.close() };
});

describe('MemoryStreamLog: bounded memory', () => {
  it('keeps at most maxEndedTurns ended turns, dropping the earliest ended; running turns are never dropped', async () => {
    const log = new MemoryStreamLog({ retentionMs: 60_000, maxEvents: 10_000, maxEndedTurns: 2 });
    const record = (id: string): TurnRecord => ({
      stream_id: id,
      user_id: '11111111-1111-4111-8111-111111111111',
      conversation_id: 'c',
      branch_id: 'b',
      user_message_id: 'm',
      model: 'x',
      completion_id: 'chatcmpl-1',
      created: 1,
      started_at: 1,
      status: 'running',
    });
    for (const id of ['a', 'b', 'c', 'd']) await log.open(record(id), { token: 't' }, 'p', 1);
    for (const id of ['b', 'a', 'c']) {
      expect(await log.finish(id, 'p', { seq: 1, event: { type: 'stopped', reason: 'user' } }, 'stopped', 2)).to.equal(true);
    }
    expect(await log.get('b'), 'the earliest ended is dropped').to.equal(undefined);
    expect((await log.get('a'))?.status).to.equal('stopped');
    expect((await log.get('c'))?.status).to.equal('stopped');
    expect((await log.get('d'))?.status).to.equal('running');
    await log.close();
  });
});
