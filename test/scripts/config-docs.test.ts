import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as prettier from 'prettier';
import { ENV_EXAMPLE_FILE, envExampleText, README_FILE, readmeWithTable } from '../../scripts/config-docs';
import { SETTINGS } from '../../src/config/settings';

const START = '<!-- config:start';
const END = '<!-- config:end -->';

const settingNames = (): string[] => Object.values(SETTINGS).map((s) => s.env);

/** The env names in the first column of the README's generated table. */
function tableNames(readme: string): string[] {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  expect(a, 'config:start marker').to.be.greaterThan(-1);
  expect(b, 'config:end marker').to.be.greaterThan(a);
  const rows = readme
    .slice(a, b)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2); // header and separator
  return rows.map((row) => /^\|\s*`([A-Z0-9_]+)`/.exec(row)?.[1] ?? `unparsable row: ${row}`);
}

describe('configuration docs', () => {
  it('.env.example is what `npm run docs:config` generates', () => {
    if (readFileSync(ENV_EXAMPLE_FILE, 'utf8') !== envExampleText()) {
      expect.fail('.env.example is out of date: run `npm run docs:config` and commit the result.');
    }
  });

  it("the README's configuration table is what `npm run docs:config` generates", () => {
    const readme = readFileSync(README_FILE, 'utf8');
    if (readme !== readmeWithTable(readme)) {
      expect.fail('README.md configuration table is out of date: run `npm run docs:config` and commit the result.');
    }
  });

  it('the README table lists exactly the settings, in order', () => {
    expect(tableNames(readFileSync(README_FILE, 'utf8'))).to.deep.equal(settingNames());
  });

  it('.env.example has every setting', () => {
    const names = envExampleText()
      .split('\n')
      .map((l) => /^(?:# )?([A-Z0-9_]+)=/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined);
    expect(names).to.deep.equal(settingNames());
  });

  it('never puts a secret value into .env.example', () => {
    const text = envExampleText();
    for (const s of Object.values(SETTINGS)) {
      if ('secret' in s && s.secret) expect(text).to.contain(`# ${s.env}=\n`);
    }
  });

  it('generates a README that prettier leaves as it is (so `npm run lint` and docs:config agree)', async () => {
    const generated = readmeWithTable(readFileSync(README_FILE, 'utf8'));
    const options = (await prettier.resolveConfig(README_FILE)) ?? {};
    const formatted = await prettier.format(generated, { ...options, filepath: README_FILE });
    if (formatted !== generated) expect.fail('scripts/config-docs.ts writes a table that prettier reformats');
  });
});
