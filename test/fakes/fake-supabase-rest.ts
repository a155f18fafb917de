import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

export type Row = Record<string, unknown>;

/** One table as PostgREST sees it, with the RLS rule "a user sees the rows whose owner column is their `sub`". */
export interface FakeTable {
  /** Column compared with the JWT's `sub` (RLS). */
  ownerColumn: string;
  /**
   * RLS through another table: the row is visible when the row of `table` whose id is this row's
   * `column` is (e.g. a message is visible when its conversation is).
   */
  ownedThrough?: { table: string; column: string };
  /** Live rows computed on every request, instead of `rows` (a table that is a view of another store). */
  view?: () => Row[];
  /** Called with the rows a DELETE removes; without it they are removed from `rows`. */
  onDelete?: (deleted: Row[]) => void;
  /** Columns of type uuid: a filter value that is not a UUID is Postgres's 22P02, as upstream. */
  uuidColumns?: string[];
  /** Embedded resources `select=...,<name>(count)` may ask for: rows of `table` whose `column` is this row's id. */
  relations?: Record<string, { table: string; column: string }>;
  /** Stored columns; writing any other is PGRST204, as with PostgREST's schema cache. */
  columns: string[];
  /** Generated columns, computed on every read (e.g. `available_balance`). */
  generated: Record<string, (row: Row) => unknown>;
  /** Columns of type numeric: sent as strings when `numericAsStrings` is on. */
  numeric: string[];
  /** Set to the current time on every update, as a trigger would. */
  touchColumn?: string;
  /** The primary key: an INSERT repeating it is 409 (23505) unless it asks to merge duplicates. */
  key?: string[];
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

export const CONVERSATION_COLUMNS = ['id', 'user_id', 'title', 'active_branch_id', 'model', 'created_at', 'updated_at'];
export const BRANCH_COLUMNS = ['id', 'conversation_id', 'parent_message_id', 'name', 'created_at'];
export const MESSAGE_COLUMNS = [
  'id',
  'conversation_id',
  'branch_id',
  'parent_id',
  'role',
  'content',
  'model',
  'tokens_count',
  'created_at',
];

/** Parameters that are not column filters. */
const MODIFIERS = new Set(['select', 'order', 'limit', 'offset', 'on_conflict', 'columns']);

/** Supabase's default `max_rows`: every answer is cut to it, silently. */
export const DEFAULT_MAX_ROWS = 1000;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * Postgres `ILIKE` after PostgREST's rewrite of `*` to `%`: `%` any run of characters (line
 * breaks included), `_` one character, `\` makes the next character literal, case ignored. A
 * pattern ending in a lone `\` is Postgres's error 22025, as upstream.
 */
export function ilikeMatches(value: string, operand: string): boolean {
  const pattern = operand.replace(/\*/g, '%');
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === '\\') {
      i += 1;
      if (i >= pattern.length) throw pgError(400, '22025', 'LIKE pattern must not end with escape character');
      source += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'isu').test(value);
}

/** PostgREST filter operators, by name. Extend here (fts, or=...) when a later adapter needs them. */
const FILTERS: Record<string, (value: unknown, operand: string) => boolean> = {
  ilike: (v, o) => typeof v === 'string' && ilikeMatches(v, o),
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

/** Numbers as numbers, timestamps as instants (`Z` and `+00:00` alike), the rest as text. */
function compare(v: unknown, operand: string): number {
  if (typeof v === 'number') return v - Number(operand);
  if (typeof v === 'string' && TIMESTAMP_RE.test(v) && TIMESTAMP_RE.test(operand)) return Date.parse(v) - Date.parse(operand);
  return String(v).localeCompare(operand);
}

function orderBy(spec: string): (a: Row, b: Row) => number {
  const keys = spec.split(',').map((part) => {
    const [column, ...mods] = part.trim().split('.');
    if (!column || mods.some((m) => !['asc', 'desc', 'nullsfirst', 'nullslast'].includes(m))) {
      throw pgError(400, 'PGRST100', `"failed to parse order (${spec})" (line 1, column 1)`);
    }
    const desc = mods.includes('desc');
    // PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending.
    const nullsFirst = mods.includes('nullsfirst') || (desc && !mods.includes('nullslast'));
    return { column, desc, nullsFirst };
  });
  return (a, b) => {
    for (const { column, desc, nullsFirst } of keys) {
      const x = a[column];
      const y = b[column];
      if ((x === null || x === undefined) !== (y === null || y === undefined))
        return (x === null || x === undefined) === nullsFirst ? -1 : 1;
      if (x === null || x === undefined) continue;
      const c = compare(x, String(y));
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
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
  /** Rows of one answer at most, as Supabase's `max_rows` (the client is not told). */
  maxRows = DEFAULT_MAX_ROWS;
  private readonly scripted: Reply[] = [];
  private readonly methods: Record<string, (q: Query) => Reply> = {
    GET: (q) => this.select(q),
    PATCH: (q) => this.update(q),
    DELETE: (q) => this.deleteRows(q),
    POST: (q) => this.insert(q),
  };
  /** Functions under `/rest/v1/rpc/<name>`: called with the JSON body and the caller (sub undefined for anon). */
  readonly rpcs = new Map<string, (body: Row, caller: Caller) => Reply>();

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

  /** Defines a table (e.g. the conversation tables, as a view of a memory store). */
  defineTable(name: string, table: FakeTable): void {
    this.tables.set(name, table);
  }

  /** Rows of a table now: its view's, or its stored rows. */
  rowsOf(table: FakeTable): Row[] {
    return table.view ? table.view() : table.rows;
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
    const match = /^\/rest\/v1\/([A-Za-z0-9_]+|rpc\/[A-Za-z0-9_]+)$/.exec(url.pathname);
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
    // The anon key as bearer is the `anon` role: no `sub`, which RLS gives no rows.
    const anonymous = req.headers.authorization === `Bearer ${this.anonKey}`;
    const auth = anonymous ? { sub: undefined } : this.caller(req.headers.authorization);
    if ('status' in auth) return auth;
    if (tableName?.startsWith('rpc/')) {
      const fn = this.rpcs.get(tableName.slice(4));
      if (!fn || req.method !== 'POST')
        return pgError(404, 'PGRST202', `Could not find the function public.${tableName.slice(4)} in the schema cache`);
      return fn((body ?? {}) as Row, auth);
    }
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

  /** The rows of `table` the caller may see (RLS). */
  private owned(table: FakeTable, caller: Caller): Row[] {
    if (caller.sub === undefined) return [];
    const rows = this.rowsOf(table);
    if (!table.ownedThrough) return rows.filter((r) => r[table.ownerColumn] === caller.sub);
    const { table: parentName, column } = table.ownedThrough;
    const parents = new Set(this.owned(this.table(parentName), caller).map((r) => r.id));
    return rows.filter((r) => parents.has(r[column]));
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
      if (!q.table.columns.includes(column) && !(column in q.table.generated)) {
        throw pgError(400, '42703', `column ${q.name}.${column} does not exist`);
      }
      const operand = rest.slice(op.length + 1);
      if (q.table.uuidColumns?.includes(column) && (op === 'eq' || op === 'neq' || op === 'in')) {
        const values = op === 'in' ? operand.replace(/^\(|\)$/g, '').split(',') : [operand];
        const bad = values.map((v) => v.trim().replace(/^"|"$/g, '')).find((v) => !UUID_RE.test(v));
        if (bad !== undefined) throw pgError(400, '22P02', `invalid input syntax for type uuid: "${bad}"`);
      }
      filters.push([column, (v) => fn(v, operand) !== negate]);
    }
    const rows = this.owned(q.table, q.caller).filter((r) => filters.every(([c, fn]) => fn(r[c])));
    const order = q.params.get('order');
    return order ? [...rows].sort(orderBy(order)) : rows;
  }

  private project(q: Query, rows: Row[]): Row[] {
    const select = q.params.get('select') ?? '*';
    const all = select === '*' ? undefined : select.split(',').map((s) => s.trim());
    // `messages(count)`: PostgREST's embedded count of related rows, answered as `[{"count": n}]`.
    const counts = (all ?? []).flatMap((item) => {
      const relation = /^([A-Za-z0-9_]+)\(count\)$/.exec(item)?.[1];
      if (relation === undefined) return [];
      const target = q.table.relations?.[relation];
      if (!target)
        throw pgError(400, 'PGRST200', `Could not find a relationship between '${q.name}' and '${relation}' in the schema cache`);
      return [{ relation, target }];
    });
    const wanted = all?.filter((item) => !item.includes('('));
    const related = new Map(
      counts.map(({ relation, target }) => {
        const perParent = new Map<unknown, number>();
        for (const r of this.owned(this.table(target.table), q.caller))
          perParent.set(r[target.column], (perParent.get(r[target.column]) ?? 0) + 1);
        return [relation, perParent];
      }),
    );
    return rows.map((row) => {
      const full: Row = { ...row };
      for (const [column, compute] of Object.entries(q.table.generated)) full[column] = compute(row);
      const out: Row = {};
      for (const [relation, perParent] of related) out[relation] = [{ count: perParent.get(row.id) ?? 0 }];
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
    const limit = Math.min(q.params.has('limit') ? Number(q.params.get('limit')) : Infinity, this.maxRows);
    const page = rows.slice(offset, offset + limit);
    const total = String(q.headers.prefer ?? '').includes('count=exact') ? String(rows.length) : '*';
    const range = page.length === 0 ? `*/${total}` : `${offset}-${offset + page.length - 1}/${total}`;
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

  /** DELETE of the visible rows matching the filters (RLS: other users' rows are simply not matched). */
  private deleteRows(q: Query): Reply {
    try {
      const rows = this.visible(q);
      const projected = this.project(q, rows);
      if (q.table.onDelete) q.table.onDelete(rows);
      else {
        const gone = new Set(rows);
        q.table.rows = q.table.rows.filter((r) => !gone.has(r));
      }
      if (!String(q.headers.prefer ?? '').includes('return=representation')) return { status: 204 };
      return { status: 200, body: projected, headers: { 'Content-Range': projected.length === 0 ? '*/*' : `0-${projected.length - 1}/*` } };
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

  /**
   * INSERT (an object or an array of them): the owner column defaults to the caller (`auth.uid()`),
   * RLS refuses rows of another owner (42501), a repeated key is 23505 unless
   * `Prefer: resolution=merge-duplicates` makes it an upsert.
   */
  private insert(q: Query): Reply {
    if (q.caller.sub === undefined) return pgError(401, '42501', `permission denied for table ${q.name}`);
    const items = Array.isArray(q.body) ? q.body : [q.body];
    if (items.length === 0 || items.some((i) => !i || typeof i !== 'object' || Array.isArray(i)))
      return pgError(400, 'PGRST102', 'Empty or invalid json');
    const prefer = String(q.headers.prefer ?? '');
    const inserted: Row[] = [];
    for (const item of items as Row[]) {
      for (const column of Object.keys(item)) {
        if (!q.table.columns.includes(column))
          return pgError(400, 'PGRST204', `Could not find the '${column}' column of '${q.name}' in the schema cache`);
      }
      const row: Row = { [q.table.ownerColumn]: q.caller.sub, ...structuredClone(item) };
      if (row[q.table.ownerColumn] !== q.caller.sub) {
        return pgError(403, '42501', `new row violates row-level security policy for table "${q.name}"`);
      }
      const key = q.table.key ?? [];
      const existing = key.length > 0 ? q.table.rows.find((r) => key.every((k) => r[k] === row[k])) : undefined;
      if (existing && !prefer.includes('resolution=merge-duplicates')) {
        return pgError(409, '23505', `duplicate key value violates unique constraint "${q.name}_pkey"`);
      }
      if (existing) Object.assign(existing, row);
      else q.table.rows.push(row);
      inserted.push(existing ?? row);
    }
    if (!prefer.includes('return=representation')) return { status: 201 };
    return { status: 201, body: this.project(q, inserted) };
  }
}
