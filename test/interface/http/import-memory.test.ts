import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

describe('POST /v1/import of a 40 MB file', () => {
  it('keeps the heap flat (measured after GC in a child process) and imports every conversation', async function () {
    this.timeout(180_000);
    const probe = path.join(__dirname, 'import-heap-probe.js');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe], { maxBuffer: 1024 * 1024 });
    const result = JSON.parse(stdout) as {
      bytes: number;
      conversations: number;
      totals: { imported: number; messages: number; branches: number };
      written: { conversations: number; messages: number; branches: number };
      heapBefore: number;
      heapAt200: number;
      heapAtEnd: number;
      seconds: number;
    };
    const shown = JSON.stringify(result);
    expect(result.bytes, shown).to.be.within(38_000_000, 50_000_000);
    expect(result.totals, shown).to.include({ imported: 2000, messages: 30_000, branches: 12_000 });
    expect(result.written, shown).to.deep.equal({ conversations: 2000, messages: 30_000, branches: 10_000 });
    // Holding the file would cost 40 MB; holding each conversation about 20,000 bytes apiece. Flat
    // means a small per-conversation residue (its line in the report, its ledger entry).
    const growthPerConversation = (result.heapAtEnd - result.heapAt200) / 1800;
    expect(growthPerConversation, shown).to.be.lessThan(1_000);
    expect(result.heapAtEnd - result.heapBefore, shown).to.be.lessThan(8_000_000);
  });
});
