import { expect } from 'chai';
import { StdoutBatch } from '../../../src/adapters/logging/stdout-batch';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('StdoutBatch: log lines written once per event-loop turn', () => {
  it('writes the lines of one turn together, in order, after the turn', async () => {
    const writes: string[] = [];
    const batch = new StdoutBatch({ write: (chunk: string) => writes.push(chunk) > 0 });
    batch.write('a\n');
    batch.write('b\n');
    expect(writes).to.deep.equal([]);
    await turn();
    expect(writes).to.deep.equal(['a\nb\n']);
    batch.write('c\n');
    await turn();
    expect(writes).to.deep.equal(['a\nb\n', 'c\n']);
  });

  it('writes at once when a burst passes 64 KiB, and flush() empties it (what the exit handler calls)', () => {
    const writes: string[] = [];
    const batch = new StdoutBatch({ write: (chunk: string) => writes.push(chunk) > 0 });
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 64; i += 1) batch.write(line);
    expect(writes).to.have.length(1);
    expect(writes[0]).to.have.length(64 * 1024);
    batch.write('tail\n');
    batch.flush();
    expect(writes.at(-1)).to.equal('tail\n');
    batch.flush();
    expect(writes).to.have.length(2);
  });
});
