import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', '..', '..', 'docs', 'adr');

describe('architecture decision records', () => {
  const records = readdirSync(dir).filter((name) => name !== 'README.md');

  it('are numbered NNNN-title.md, one number each, with no gap', () => {
    expect(records.length).to.be.greaterThan(5);
    for (const name of records) expect(name).to.match(/^\d{4}-[a-z0-9-]+\.md$/);
    const numbers = records.map((name) => Number(name.slice(0, 4))).sort((a, b) => a - b);
    expect(numbers).to.deep.equal(numbers.map((_, i) => i + 1));
  });

  it('each carry a status and a date, then Context, Decision and Consequences', () => {
    for (const name of records) {
      const text = readFileSync(join(dir, name), 'utf8');
      expect(text, name).to.match(/^# .+\n\nStatus: (proposed|accepted|superseded by \d{4})[^\n]*· Date: \d{4}-\d{2}-\d{2}\n/);
      const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(headings.slice(0, 3), name).to.deep.equal(['Context', 'Decision', 'Consequences']);
    }
  });

  it('are all listed in the index', () => {
    const index = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const name of records) expect(index, name).to.contain(`(${name})`);
  });
});
