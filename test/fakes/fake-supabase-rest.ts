import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

export type Row = Record<string, unknown>;

/** One table as PostgREST sees it, with the RLS rule "a user sees the rows whose owner column is their `sub`". */
export interface FakeTable {
  /** Column compared with the JWT's `sub` (RLS). */
  ownerColumn: string;
  /** Stored columns; writing any other is PGRST204, as with PostgREST's schema cache. */
  columns: string[];
  /** Generated columns, computed on every read (e.g. `available_balance`). */
  generated: Record<string, (row: Row) => unknown>;
  /** Columns of type numeric: sent as strings when `numericAsStrings` is on. */
  numeric: string[];
  /** Set to the current time on every update, as a trigger would. */
  touchColumn?: string;
  rows: Row[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  table: string | undefined;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Caller {
  sub: string | undefined;
}

interface Query {
  table: FakeTable;
  name: string;
  params: URLSearchParams;
  caller: Caller;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export const USER_PROFILE_COLUMNS = [
  'id',
  'email',
  'litellm_key',
  'spend',
  'max_budget',
  'display_name',
  'default_model',
  'locale',
  'preferences',
  'created_at',
  'updated_at',
];

/** Parameters that are not column filters. */
const MODIFIERS = new Set(['select', 'order', 'limit', 'offset', 'on_conflict', 'columns']);

/** PostgREST filter operators, by name. Extend here (ilike, fts, or=...) when a later adapter needs them. */
const FILTERS: Record<string, (value: unknown, operand: string) => boolean> = {
  eq: (v, o) => v !== null && v !== undefined && String(v) === o,
  neq: (v, o) => v !== null && v !== undefined && String(v) !== o,
  gt: (v, o) => compare(v, o) > 0,
  gte: (v, o) => compare(v, o) >= 0,
  lt: (v, o) => compare(v, o) < 0,
  lte: (v, o) => compare(v, o) <= 0,
  is: (v, o) => (o === 'null' ? v === null || v === undefined : String(v) === o),
  in: (v, o) =>
    o
      .replace(/^\(|\)$/g, '')
      .split(',')
      .map((s) => s.trim().replace(/^"|"$/g, ''))
      .includes(String(v)),
};

function compare(v: unknown, operand: string): number {
  if (typeof v === 'number') return v - Number(operand);
  return String(v).localeCompare(operand);
}

function pgError(status: number, code: string, message: string, details: unknown = null, hint: unknown = null): Reply {
  return { status, body: { code, details, hint, message } };
}

/**
 * Supabase REST (PostgREST) on 127.0.0.1 for the subset the gateway uses: `apikey` checked against
 * the anon key (Kong's answers when wrong), the user's JWT decoded without verification (the fake
 * trusts the gateway's own validation) and enforced as RLS, column filters, `select`,
 * `limit`/`offset`, the single-object Accept header (406 PGRST116), PATCH with
 * `Prefer: return=representation`, and PostgREST's error bodies. Tables are data, so a later
 * adapter adds its tables (conversations, messages) and methods without touching the plumbing.
 * Every request is recorded; `failNext` scripts answers (5xx, odd bodies) ahead of the logic.
 */
export class FakeSupabaseRest {
  readonly requests: RecordedRequest[] = [];
  readonly tables = new Map<string, FakeTable>();
  /** Numeric columns go out as JSON strings (what PostgREST does for big numerics). */
  numericAsStrings = false;
  /** The code of an expired JWT: PGRST303 since PostgREST 12, PGRST301 before. */
  expiredJwtCode = 'PGRST303';
  /** Seconds since the epoch, for `exp`. */
  nowSeconds: () => number = () => Math.floor(Date.now() / 1000);
  private readonly scripted: Reply[] = [];
  private readonly methods: Record<string, (q: Query) => Reply> = {
    GET: (q) => this.select(q),
    PATCH: (q) => this.update(q),
  };

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly anonKey: string,
  ) {
    this.tables.set('user_profiles', {
      ownerColumn: 'id',
      columns: [...USER_PROFILE_COLUMNS],
      // numeric is exact in Postgres: no float noise in the generated column.
      generated: { available_balance: (r) => Number((Number(r.max_budget) - Number(r.spend ?? 0)).toFixed(10)) },
      numeric: ['spend', 'max_budget', 'available_balance'],
      touchColumn: 'updated_at',
      rows: [],
    });
  }

  static async start(options: { anonKey?: string } = {}): Promise<FakeSupabaseRest> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeSupabaseRest(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      options.anonKey ?? 'fake-anon-key',
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    return fake;
  }

  table(name: string): FakeTable {
    const table = this.tables.get(name);
    if (!table) throw new Error(`fake has no table ${name}`);
    return table;
  }

  /** Inserts or replaces (by owner + id) a row, as the platform would have written it. */
  upsert(tableName: string, row: Row): void {
    const table = this.table(tableName);
    const index = table.rows.findIndex((r) => r.id === row.id);
    if (index >= 0) table.rows[index] = { ...table.rows[index], ...row };
    else table.rows.push({ ...row });
  }

  remove(tableName: string, id: string): void {
    const table = this.table(tableName);
    table.rows = table.rows.filter((r) => r.id !== id);
  }

  /** The next request(s) get this answer, whatever they ask. */
  failNext(status: number, body: unknown, headers: Record<string, string> = {}, times = 1): void {
    for (let i = 0; i < times; i += 1) this.scripted.push({ status, body, headers });
  }

  requestsTo(table: string): RecordedRequest[] {
    return this.requests.filter((r) => r.table === table);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const match = /^\/rest\/v1\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      table: match?.[1],
      query: url.searchParams,
      headers: req.headers,
      body,
    });
    const reply = this.scripted.shift() ?? this.route(req, match?.[1], url.searchParams, body, text);
    const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', ...reply.headers }).end(payload);
  }

  private route(req: IncomingMessage, tableName: string | undefined, params: URLSearchParams, body: unknown, text: string): Reply {
    const apikey = req.headers.apikey;
    if (!apikey)
      return { status: 401, body: { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' } };
    if (apikey !== this.anonKey) {
      return { status: 401, body: { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' } };
    }
    const auth = this.caller(req.headers.authorization);
    if ('status' in auth) return auth;
    if (!tableName) return pgError(404, 'PGRST125', 'Invalid path specified in request URL');
    const table = this.tables.get(tableName);
    if (!table) return pgError(404, 'PGRST205', `Could not find the table 'public.${tableName}' in the schema cache`);
    if (text && typeof body === 'string') return pgError(400, 'PGRST102', 'Empty or invalid json');
    const handler = this.methods[req.method ?? 'GET'];
    if (!handler) return pgError(405, 'PGRST117', `Unsupported HTTP method: ${req.method}`);
    return handler({ table, name: tableName, params, caller: auth, headers: req.headers, body });
  }

  private caller(header: string | undefined): Caller | Reply {
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    const claims = token ? jwt.decode(token) : null;
    if (!claims || typeof claims !== 'object') return pgError(401, 'PGRST301', 'JWT could not be decoded', null, null);
    if (typeof claims.exp === 'number' && claims.exp <= this.nowSeconds()) return pgError(401, this.expiredJwtCode, 'JWT expired');
    return { sub: typeof claims.sub === 'string' ? claims.sub : undefined };
  }

  /** RLS plus the request's filters. */
  private visible(q: Query): Row[] {
    const filters: [string, (v: unknown) => boolean][] = [];
    for (const [column, expr] of q.params) {
      if (MODIFIERS.has(column)) continue;
      const dot = expr.indexOf('.');
      const negate = expr.startsWith('not.');
      const rest = negate ? expr.slice(4) : expr;
      const op = rest.slice(0, rest.indexOf('.'));
      const fn = FILTERS[op];
      if (dot < 0 || !fn) throw pgError(400, 'PGRST100', `"failed to parse filter (${expr})" (line 1, column 1)`);
      const operand = rest.slice(op.length + 1);
      filters.push([column, (v) => fn(v, operand) !== negate]);
    }
    return q.table.rows
      .filter((r) => q.caller.sub !== undefined && r[q.table.ownerColumn] === q.caller.sub)
      .filter((r) => filters.every(([c, fn]) => fn(r[c])));
  }

  private project(q: Query, rows: Row[]): Row[] {
    const select = q.params.get('select') ?? '*';
    const wanted = select === '*' ? undefined : select.split(',').map((s) => s.trim());
    return rows.map((row) => {
      const full: Row = { ...row };
      for (const [column, compute] of Object.entries(q.table.generated)) full[column] = compute(row);
      const out: Row = {};
      for (const column of wanted ?? [...q.table.columns, ...Object.keys(q.table.generated)]) {
        if (!(column in full) && !q.table.columns.includes(column) && !(column in q.table.generated)) {
          throw pgError(400, '42703', `column ${q.name}.${column} does not exist`);
        }
        let value = full[column] ?? null;
        if (this.numericAsStrings && q.table.numeric.includes(column) && typeof value === 'number') value = String(value);
        if (q.table.columns.includes(column) || column in q.table.generated) out[column] = value;
      }
      return out;
    });
  }

  private answer(q: Query, rows: Row[], status = 200): Reply {
    const offset = Number(q.params.get('offset') ?? 0);
    const limit = q.params.has('limit') ? Number(q.params.get('limit')) : undefined;
    const page = rows.slice(offset, limit === undefined ? undefined : offset + limit);
    const range = page.length === 0 ? '*/*' : `${offset}-${offset + page.length - 1}/*`;
    if (String(q.headers.accept ?? '').includes('application/vnd.pgrst.object+json')) {
      if (page.length !== 1) {
        return pgError(406, 'PGRST116', 'JSON object requested, multiple (or no) rows returned', `The result contains ${page.length} rows`);
      }
      return { status, body: this.project(q, page)[0], headers: { 'Content-Range': range } };
    }
    return { status, body: this.project(q, page), headers: { 'Content-Range': range } };
  }

  private select(q: Query): Reply {
    try {
      return this.answer(q, this.visible(q));
    } catch (reply) {
      return reply as Reply;
    }
  }

  private update(q: Query): Reply {
    if (!q.body || typeof q.body !== 'object' || Array.isArray(q.body)) return pgError(400, 'PGRST102', 'Empty or invalid json');
    const patch = q.body as Row;
    for (const column of Object.keys(patch)) {
      if (!q.table.columns.includes(column)) {
        return pgError(400, 'PGRST204', `Could not find the '${column}' column of '${q.name}' in the schema cache`);
      }
    }
    try {
      const rows = this.visible(q);
      for (const row of rows) {
        Object.assign(row, structuredClone(patch));
        if (q.table.touchColumn) row[q.table.touchColumn] = new Date(this.nowSeconds() * 1000).toISOString();
      }
      const prefer = String(q.headers.prefer ?? '');
      if (!prefer.includes('return=representation')) return { status: 204 };
      return this.answer(q, rows);
    } catch (reply) {
      return reply as Reply;
    }
  }
}
