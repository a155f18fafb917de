import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Small files with one job: no source file over this many lines. */
const MAX_LINES = 300;

const root = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('source file size', () => {
  it(`keeps every file under src/ at ${MAX_LINES} lines or fewer`, () => {
    const files = sourceFiles(join(root, 'src'));
    expect(files.length).to.be.greaterThan(50);
    const tooLong = files
      .map((path) => ({ path: relative(root, path), lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ path, lines }) => `${path}: ${lines} lines`);
    expect(tooLong, 'split these by responsibility').to.deep.equal([]);
  });
});
