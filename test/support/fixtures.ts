import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A JSON fixture of test/fixtures/ (read from the source tree: tsc does not copy JSON into dist/). */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures', name), 'utf8')) as unknown;
}
