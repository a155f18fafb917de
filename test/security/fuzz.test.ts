import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { startApp, type RunningApp } from '../support/http';
import { testConfig } from '../support/test-config';
import { bearer, devToken } from '../support/tokens';
import type { RouteSpec } from '../../src/interface/http/routing/route-spec';
import { concretePath, everyRoute, PROTOTYPE_KEYS, spellingVariants, SOME_ID } from './route-walk';

/** Small, fast, seedable: the same seed replays the same requests (FUZZ_SEED=<n> npm test). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 700);
const CONCURRENCY = 4;

class Gen {
  constructor(private readonly random: () => number) {}
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  text(): string {
    return this.pick([
      '',
      'a',
      'hello',
      ' ',
      '\u0000',
      '\u001b[31m',
      '\uD800',
      'é🙂',
      'x'.repeat(5000),
      '../../etc/passwd',
      '%00',
      SOME_ID,
      'local/echo',
      ...PROTOTYPE_KEYS,
    ]);
  }
  scalar(): unknown {
    return this.pick<() => unknown>([
      () => this.text(),
      () => this.int(1000) - 500,
      () => this.random() * 1e308,
      () => this.chance(0.5),
      () => null,
      () => -0,
      () => Number.MAX_SAFE_INTEGER + 2,
    ])();
  }
  value(depth: number): unknown {
    if (depth > 4 || this.chance(0.4)) return this.scalar();
    if (this.chance(0.4)) return Array.from({ length: this.int(6) }, () => this.value(depth + 1));
    const out: Record<string, unknown> = {};
    for (let i = this.int(6); i > 0; i -= 1)
      out[this.chance(0.3) ? this.pick(PROTOTYPE_KEYS) : this.text().slice(0, 20)] = this.value(depth + 1);
    return out;
  }
}

/** A path segment for any text; one that cannot be encoded (an unpaired surrogate) goes raw-escaped. */
function segment(text: string): string {
  try {
    return encodeURIComponent(text) || 'x';
  } catch {
    return '%ED%A0%80';
  }
}

interface FuzzRequest {
  path: string;
  init: RequestInit;
  what: string;
}

/** Bodies that broke or could break a JSON walker, a validator or a prototype. */
function hostileBody(g: Gen): { body: string; what: string } {
  const levels = g.pick([63, 64, 65, 200, 5000, 12_000, 50_000]);
  const options: { body: string; what: string }[] = [
    { body: `{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`, what: `arrays nested ${levels}` },
    { body: `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`, what: `objects nested ${levels}` },
    { body: '{"__proto__":{"polluted":"yes"},"title":"x"}', what: '__proto__ key' },
    { body: '{"constructor":{"prototype":{"polluted":"yes"}},"title":"x"}', what: 'constructor.prototype key' },
    {
      body: `{"preferences":{"__proto__":{"polluted":"yes"}},"settings":${'['.repeat(levels)}${']'.repeat(levels)}}`,
      what: 'deep settings',
    },
    {
      body: JSON.stringify({ tags: Array.from({ length: 20_000 }, () => 7), ids: Array.from({ length: 5000 }, () => 'x') }),
      what: 'many bad items',
    },
    { body: JSON.stringify(g.value(0)), what: 'random JSON' },
    { body: '{"title": "unterminated', what: 'invalid JSON' },
    { body: '', what: 'empty' },
    { body: 'null', what: 'null' },
    { body: '"just a string"', what: 'a string' },
  ];
  return g.pick(options);
}

function fuzzRequest(g: Gen, routes: readonly RouteSpec[]): FuzzRequest {
  const spec = g.pick(routes);
  let path = concretePath(spec, () =>
    g.chance(0.5) ? encodeURIComponent(g.pick(PROTOTYPE_KEYS)) : g.chance(0.5) ? SOME_ID : segment(g.text().slice(0, 40)),
  );
  if (g.chance(0.3)) path = g.pick([path, ...spellingVariants(path)]);
  if (g.chance(0.2))
    path += g.pick([
      '?limit=-1',
      '?page=99999999999999999999',
      '?__proto__[x]=1',
      '?constructor=1&constructor=2',
      '?q=%00',
      '?sort=__proto__',
    ]);
  const method = g.chance(0.85) ? spec.method.toUpperCase() : g.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
  const headers: Record<string, string> = {};
  const auth = g.int(4);
  if (auth <= 1) Object.assign(headers, bearer(devToken(randomUUID())));
  else if (auth === 2)
    headers.Authorization = g.pick(['Bearer x.y.z', 'Basic abc', 'Bearer', `Bearer ${devToken(randomUUID(), { expiresIn: -60 })}`]);
  let what = 'no body';
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const hostile = hostileBody(g);
    body = hostile.body;
    what = hostile.what;
    headers['Content-Type'] = g.chance(0.9)
      ? 'application/json'
      : g.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json']);
  }
  return { path, init: { method, headers, ...(body === undefined ? {} : { body }) }, what: `${method} ${path.slice(0, 120)} [${what}]` };
}

describe(`Security: fuzz of every route (seed ${SEED}, ${ITERATIONS} requests)`, () => {
  let app: RunningApp;
  before(async () => {
    app = await startApp({
      config: testConfig({
        DEBUG_REQUESTS: 'true',
        ENABLE_METRICS: 'true',
        RATE_LIMIT_ENABLED: 'false',
        LOCAL_MODEL_TOKEN_DELAY_MS: '0',
        LOG_LEVEL: 'info',
      }),
    });
  });
  after(() => app.close());

  it('answers deep nesting, case and slash variants and prototype keys without one 5xx, and stays up', async function () {
    this.timeout(180_000);
    const g = new Gen(mulberry32(SEED));
    const routes = everyRoute();
    const requests = Array.from({ length: ITERATIONS }, () => fuzzRequest(g, routes));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const r = requests[next++]!;
        try {
          const res = await app.request(r.path, r.init);
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) failures.push(`${res.status} ${r.what}: ${text.slice(0, 200)}`);
        } catch (err) {
          failures.push(`no answer for ${r.what}: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(failures, `FUZZ_SEED=${SEED}`).to.deep.equal([]);
    const live = await app.request('/health/live');
    expect(live.status).to.equal(200);
    // Nothing failed after a response either (listeners), and nothing reached a prototype.
    expect(
      app.logs.records().filter((l) => l.msg === 'a response-end subscriber failed' || (Number(l.status) >= 500 && l.msg === 'request')),
    ).to.deep.equal([]);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    // The fuzz reached the handlers, not only the front door.
    const answered = [...statuses.entries()].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    expect(answered, JSON.stringify(Object.fromEntries(statuses))).to.be.greaterThan(ITERATIONS / 20);
  });
});
