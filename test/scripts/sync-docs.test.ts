import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as prettier from 'prettier';
import { README_FILE } from '../../scripts/config-docs';
import { readmeWithEndpoints } from '../../scripts/sync-docs';
import { allRoutes } from '../../src/interface/http/routes/all-routes';

describe('README endpoint table (npm run docs:sync)', () => {
  const readme = (): string => readFileSync(README_FILE, 'utf8');

  it('is what `npm run docs:sync` generates', () => {
    if (readme() !== readmeWithEndpoints(readme())) expect.fail('README.md endpoint table is out of date: run `npm run docs:sync`.');
  });

  it('lists every route exactly once', () => {
    const text = readme();
    const table = text.slice(text.indexOf('<!-- endpoints:start'), text.indexOf('<!-- endpoints:end -->'));
    const rows = table
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .slice(2)
      .map((l) => /^\| (\w+) +\| `([^`]+)`/.exec(l)?.slice(1, 3).join(' ') ?? `unparsable: ${l}`);
    expect(rows).to.deep.equal(allRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`));
  });

  it('is written as prettier writes it', async () => {
    const generated = readmeWithEndpoints(readme());
    const options = (await prettier.resolveConfig(README_FILE)) ?? {};
    if ((await prettier.format(generated, { ...options, filepath: README_FILE })) !== generated) {
      expect.fail('scripts/sync-docs.ts writes a table that prettier reformats');
    }
  });
});
