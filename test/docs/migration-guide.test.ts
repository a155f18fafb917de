import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readError } from '../../docs/examples/legacy-errors';
import { ERROR_CODES } from '../../src/domain/errors/error-codes';
import { SETTINGS } from '../../src/config/settings';
import { allRoutes } from '../../src/interface/http/routes/all-routes';
import { startApp, type RunningApp } from '../support/http';

const GUIDE = path.resolve(__dirname, '../../../docs/migration-guide.md');

/** The previous gateway's endpoints and environment (the original specification). */
const OLD_ENDPOINTS = [
  'POST /v1/chat/completions',
  'POST /v1/chat/regenerate',
  'GET /v1/conversations/{id}',
  'GET /health',
  'GET /ready',
  'GET /live',
  'GET /info',
  'GET /',
];
const OLD_VARIABLES = [
  'SUPABASE_URL',
  'SUPABASE_ANON_KEY',
  'SUPABASE_SERVICE_KEY',
  'EDGE_FUNCTION_URL',
  'LITELLM_URL',
  'LITELLM_MASTER_KEY',
  'REDIS_URL',
  'JWT_SECRET_KEY',
  'JWT_ALGORITHM',
  'MAX_CONTEXT_MESSAGES',
  'STREAM_TIMEOUT',
  'CONNECTION_POOL_SIZE',
  'ENABLE_METRICS',
  'LOG_LEVEL',
];

/** Rows of the markdown table under `## <heading>`, as cells. */
function tableUnder(markdown: string, heading: string): string[][] {
  const section = markdown.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
}

describe('migration guide (docs/migration-guide.md)', () => {
  const guide = readFileSync(GUIDE, 'utf8');
  const served = new Set(allRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`));

  it('maps every endpoint of the previous gateway to operations this gateway serves', () => {
    const rows = tableUnder(guide, 'Endpoints');
    expect(rows.map((r) => r[0]?.replace(/`/g, ''))).to.deep.equal(OLD_ENDPOINTS);
    for (const row of rows) {
      const named = [...(row[1] ?? '').matchAll(/`(GET|POST|PATCH|DELETE) ([^`]+)`/g)].map((m) => `${m[1]} ${m[2]}`);
      expect(named.length, row[0]).to.be.greaterThan(0);
      for (const op of named) expect(served.has(op), `${op} is served`).to.equal(true);
    }
    for (const op of OLD_ENDPOINTS) expect(served.has(op), `${op} still answers`).to.equal(true);
  });

  it('says what became of every variable of the previous gateway, and names only settings that exist', () => {
    expect(tableUnder(guide, 'Configuration').map((r) => r[0]?.replace(/`/g, ''))).to.deep.equal(OLD_VARIABLES);
    const known = new Set<string>([...Object.values(SETTINGS).map((s) => s.env), ...ERROR_CODES]);
    const named = [...guide.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map((m) => m[1] as string);
    expect(named.filter((n) => !known.has(n))).to.deep.equal([]);
  });

  describe('legacy-errors.ts', () => {
    let app: RunningApp;
    before(async () => {
      app = await startApp();
    });
    after(async () => app.close());

    it('reads an error of this gateway and one of the previous gateway alike', async () => {
      const res = await app.json<Parameters<typeof readError>[0]>('/v1/user/balance');
      expect(readError(res.body)).to.deep.include({ code: 'AUTH_REQUIRED', requestId: res.headers.get('x-request-id') ?? 'missing' });
      expect(
        readError({ error: 'Insufficient balance', code: 'INSUFFICIENT_BALANCE', details: { available_balance: 0, max_budget: 10 } }),
      ).to.deep.equal({
        code: 'INSUFFICIENT_BALANCE',
        message: 'Insufficient balance',
        details: { available_balance: 0, max_budget: 10 },
        requestId: undefined,
      });
    });
  });
});
