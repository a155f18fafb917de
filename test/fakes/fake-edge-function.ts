import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { isAppError } from '../../src/domain/errors/app-error';
import type { UserContext } from '../../src/domain/user/user-context';
import type { ConversationStore } from '../../src/ports/conversation-store.port';

/** Where Supabase serves the function: the fake's `url` is this path on 127.0.0.1. */
export const FUNCTION_PATH = '/functions/v1/conversation-manager';

export interface RecordedRequest {
  method: string;
  /** Path below the function URL, query included. */
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface FakeEdgeFunctionOptions {
  /** Calls without exactly this `apikey` get the platform gateway's 401 (not the function's envelope). */
  anonKey?: string;
}

type Json = Record<string, unknown>;

interface Call {
  user: UserContext;
  params: string[];
  query: URLSearchParams;
  body: Json;
}

type Handler = (call: Call) => Promise<unknown>;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<'GET' | 'POST' | 'PATCH', Handler>>;
}

/** A 4xx the function itself answers, with its string error envelope. */
class FunctionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UUID = '([0-9a-fA-F-]{36})';

function requireString(body: Json, field: string): string {
  const value = body[field];
  if (typeof value !== 'string') throw new FunctionError(400, `${field} is required`);
  return value;
}

function optionalString(body: Json, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new FunctionError(400, `${field} must be a string`);
  return value;
}

function optionalInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new FunctionError(400, `${field} must be an integer`);
  return n;
}

/**
 * The `conversation-manager` Edge Function as docs/upstreams/edge-function.md describes it, as an HTTP
 * facade over any ConversationStore: the same paths, the `{success,data}` and
 * `{success:false,error:"string"}` envelopes, 401 without a bearer token, 404 for "absent or not
 * yours", 405 for a wrong method, and the quirks the adapter must tolerate (rows carry `user_id`,
 * branch listings carry `message_count`, activation answers the whole conversation row).
 *
 * The user is the JWT's `sub`, decoded without verification: a fake trusts its caller.
 */
export class FakeEdgeFunction {
  readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;
  private readonly routes: Route[];
  url = '';

  private constructor(
    private readonly store: ConversationStore,
    private readonly options: FakeEdgeFunctionOptions,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { success: false, error: `fake edge function crashed: ${String(err)}` });
      });
    });
    this.routes = this.buildRoutes();
  }

  static async start(store: ConversationStore, options: FakeEdgeFunctionOptions = {}): Promise<FakeEdgeFunction> {
    const fake = new FakeEdgeFunction(store, options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}${FUNCTION_PATH}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private buildRoutes(): Route[] {
    const s = this.store;
    const rowOf = async (user: UserContext, id: string) => ({ ...(await s.getConversation(user, id)), user_id: user.userId });
    return [
      {
        pattern: /^\/init-conversation$/,
        methods: {
          POST: async ({ user, body }) => {
            const c = await s.createConversation(user, { title: optionalString(body, 'title'), model: requireString(body, 'model') });
            return { conversation_id: c.id, branch_id: c.active_branch_id, title: c.title, model: c.model };
          },
        },
      },
      {
        pattern: /^\/add-message$/,
        methods: {
          POST: async ({ user, body }) => {
            if (body.role !== 'user') throw new FunctionError(400, 'role must be "user"');
            return s.addUserMessage(user, {
              conversation_id: optionalString(body, 'conversation_id'),
              parent_id: optionalString(body, 'parent_id'),
              content: requireString(body, 'content'),
              model: optionalString(body, 'model'),
            });
          },
        },
      },
      {
        pattern: /^\/save-response$/,
        methods: {
          POST: async ({ user, body }) =>
            s.saveAssistantMessage(user, {
              conversation_id: requireString(body, 'conversation_id'),
              branch_id: requireString(body, 'branch_id'),
              parent_id: requireString(body, 'parent_id'),
              content: requireString(body, 'content'),
              model: requireString(body, 'model'),
              tokens_count: optionalInt(body.tokens_count, 'tokens_count'),
            }),
        },
      },
      {
        pattern: /^\/create-branch$/,
        methods: {
          POST: async ({ user, body }) => {
            const b = await s.createBranch(user, requireString(body, 'conversation_id'), {
              from_message_id: requireString(body, 'from_message_id'),
              name: optionalString(body, 'name'),
            });
            return { branch_id: b.id, ...b };
          },
        },
      },
      {
        pattern: /^\/switch-branch$/,
        methods: {
          POST: async ({ user, body }) => {
            const conversationId = requireString(body, 'conversation_id');
            const branchId = requireString(body, 'branch_id');
            await s.activateBranch(user, conversationId, branchId);
            return { conversation_id: conversationId, active_branch_id: branchId };
          },
        },
      },
      {
        pattern: /^\/build-context$/,
        methods: {
          GET: async ({ user, query }) => this.buildContext(user, Object.fromEntries(query)),
          POST: async ({ user, body }) => this.buildContext(user, body),
        },
      },
      {
        pattern: /^\/conversations$/,
        methods: {
          GET: async ({ user, query }) => {
            const page = optionalInt(query.get('page'), 'page') ?? 1;
            const limit = optionalInt(query.get('limit'), 'limit') ?? 20;
            if (page < 1 || limit < 1) throw new FunctionError(400, 'page and limit must be positive');
            const result = await s.listConversations(user, { page, limit });
            return { conversations: result.items, total: result.total, page: result.page, limit: result.limit };
          },
        },
      },
      {
        pattern: new RegExp(`^/conversations/${UUID}$`),
        methods: {
          GET: async ({ user, params }) => rowOf(user, params[0]!),
          // The table has no settings column: only title and model are read.
          PATCH: async ({ user, params, body }) => ({
            ...(await s.updateConversation(user, params[0]!, {
              title: optionalString(body, 'title'),
              model: optionalString(body, 'model'),
            })),
            user_id: user.userId,
          }),
        },
      },
      {
        pattern: new RegExp(`^/conversations/${UUID}/full$`),
        methods: {
          GET: async ({ user, params }) => {
            const full = await s.getConversationFull(user, params[0]!);
            return { ...full, conversation: { ...full.conversation, user_id: user.userId } };
          },
        },
      },
      {
        pattern: new RegExp(`^/conversations/${UUID}/branches$`),
        methods: {
          GET: async ({ user, params }) => {
            const branches = await s.listBranches(user, params[0]!);
            const { messages } = await s.getConversationFull(user, params[0]!);
            return branches.map((b) => ({ ...b, message_count: messages.filter((m) => m.branch_id === b.id).length }));
          },
          POST: async ({ user, params, body }) =>
            s.createBranch(user, params[0]!, {
              from_message_id: requireString(body, 'parent_message_id'),
              name: requireString(body, 'name'),
            }),
        },
      },
      {
        pattern: new RegExp(`^/conversations/${UUID}/branches/${UUID}/activate$`),
        methods: {
          POST: async ({ user, params }) => {
            await s.activateBranch(user, params[0]!, params[1]!);
            return rowOf(user, params[0]!);
          },
        },
      },
      {
        pattern: new RegExp(`^/messages/${UUID}$`),
        methods: {
          GET: async ({ user, params }) => s.getMessage(user, params[0]!),
          PATCH: async ({ user, params, body }) => s.editMessage(user, params[0]!, requireString(body, 'content')),
        },
      },
      {
        pattern: new RegExp(`^/messages/${UUID}/regenerate$`),
        methods: {
          POST: async ({ user, params, body }) => s.regenerateFork(user, params[0]!, { branch_name: optionalString(body, 'branch_name') }),
        },
      },
    ];
  }

  private async buildContext(user: UserContext, fields: Json): Promise<unknown> {
    const context = await this.store.buildContext(user, {
      conversation_id: requireString(fields, 'conversation_id'),
      branch_id: optionalString(fields, 'branch_id'),
      max_messages: optionalInt(fields.max_messages, 'max_messages') ?? 50,
    });
    return { ...context, conversation_id: fields.conversation_id, token_count: context.messages.length };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (!url.pathname.startsWith(`${FUNCTION_PATH}/`)) {
      send(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' });
      return;
    }
    const path = url.pathname.slice(FUNCTION_PATH.length);
    this.requests.push({ method: req.method ?? '', path: `${path}${url.search}`, headers: req.headers });
    const raw = await readBody(req);

    if (this.options.anonKey !== undefined && req.headers.apikey !== this.options.anonKey) {
      send(res, 401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      send(res, 401, { success: false, error: 'Missing authorization header' });
      return;
    }
    const claims = jwt.decode(token);
    const sub = claims && typeof claims === 'object' ? claims.sub : undefined;
    if (typeof sub !== 'string' || sub === '') {
      send(res, 401, { success: false, error: 'Invalid JWT' });
      return;
    }

    let match: RegExpExecArray | null = null;
    const route = this.routes.find((r) => (match = r.pattern.exec(path)) !== null);
    if (!route || !match) {
      send(res, 404, { success: false, error: 'Not found' });
      return;
    }
    const handler = route.methods[req.method as 'GET' | 'POST' | 'PATCH'];
    if (!handler) {
      send(res, 405, { success: false, error: 'Method not allowed' });
      return;
    }
    let body: Json = {};
    if (raw.length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Json;
      } catch {
        send(res, 400, { success: false, error: 'Invalid JSON body' });
        return;
      }
    }
    const params = (match as RegExpExecArray).slice(1);
    try {
      const data = await handler({ user: { userId: sub, token }, params, query: url.searchParams, body });
      send(res, 200, { success: true, data });
    } catch (err) {
      if (err instanceof FunctionError) send(res, err.status, { success: false, error: err.message });
      else if (isAppError(err) && err.code === 'NOT_FOUND') send(res, 404, { success: false, error: err.message });
      else if (isAppError(err) && err.code === 'VALIDATION_ERROR') send(res, 400, { success: false, error: err.message });
      else send(res, 500, { success: false, error: 'Internal server error' });
    }
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
