/**
 * Development only: replays a recorded request against the running service.
 *   npm run replay -- <request-id> [--base-url http://localhost:8000]
 * Reads the request from `GET /debug/requests/<id>` (the service must run with DEBUG_REQUESTS, the
 * default in development), sends it again with a freshly minted token for the same user (signed
 * like `npm run token`, so this process needs the service's JWT settings), and prints the status
 * and the body as it arrives (a stream is printed event by event).
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../src/config/config';
import { loadConfig } from '../src/config/load-config';
import type { RecordedRequest } from '../src/ports/request-journal.port';
import { mintDevToken } from './mint-token';

export interface ReplayArgs {
  requestId: string;
  baseUrl: string;
}

export interface ReplayRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
}

export interface ReplayDeps {
  fetch: typeof fetch;
  /** A bearer token for the user id. */
  mintToken(userId: string): string;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

/** What `X-Request-Id` the service accepts as is (request-id.ts): the replay's id names the original. */
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function parseReplayArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): ReplayArgs {
  let requestId: string | undefined;
  let baseUrl: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i] as string;
    if (a === '--base-url') baseUrl = argv[++i];
    else if (a.startsWith('--base-url=')) baseUrl = a.slice('--base-url='.length);
    else if (a.startsWith('--')) throw new Error(`Unknown option ${a}`);
    else requestId ??= a;
  }
  if (!requestId) throw new Error('Usage: npm run replay -- <request-id> [--base-url http://localhost:8000]');
  if (!SANE_ID.test(requestId)) throw new Error(`Not a request id: ${requestId}`);
  baseUrl ??= env.REPLAY_BASE_URL ?? `http://localhost:${env.PORT ?? '8000'}`;
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) throw new Error(`The base URL must be http(s)://host[:port]: ${baseUrl}`);
  return { requestId, baseUrl: baseUrl.replace(/\/+$/, '') };
}

/** The recorded request, or an error that says why there is none. */
export async function fetchRecorded(args: ReplayArgs, deps: Pick<ReplayDeps, 'fetch'>): Promise<RecordedRequest> {
  const url = `${args.baseUrl}/debug/requests/${encodeURIComponent(args.requestId)}`;
  let res: Response;
  try {
    res = await deps.fetch(url);
  } catch (err) {
    throw new Error(`The service does not answer at ${args.baseUrl} (${(err as Error).message}). Is it running?`, { cause: err });
  }
  const text = await res.text();
  if (res.status === 404) {
    const journal = await deps.fetch(`${args.baseUrl}/debug/requests?limit=1`);
    await journal.body?.cancel();
    if (journal.status === 404) {
      throw new Error(`${args.baseUrl} keeps no request journal: run it in development or with DEBUG_REQUESTS=true.`);
    }
    throw new Error(`No request ${args.requestId} is recorded (only the last few are kept, in memory).`);
  }
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { data: RecordedRequest }).data;
}

function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined && v !== null) params.append(key, String(v));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The request to send again. A body cut by the journal cannot be replayed faithfully: refused. */
export function buildReplay(recorded: RecordedRequest, baseUrl: string, token: string | undefined): ReplayRequest {
  if (recorded.body_truncated) {
    throw new Error(
      `Request ${recorded.request_id} had a body of ${recorded.body_bytes} bytes; only its beginning was kept, so it cannot be replayed.`,
    );
  }
  const replayId = `${recorded.request_id.slice(0, 110)}.replay-${randomBytes(4).toString('hex')}`;
  const headers: Record<string, string> = {
    'X-Request-Id': SANE_ID.test(replayId) ? replayId : `replay-${randomBytes(8).toString('hex')}`,
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  const init: ReplayRequest['init'] = { method: recorded.method, headers };
  if (recorded.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(recorded.body);
  }
  return { url: `${baseUrl}${recorded.path}${queryString(recorded.query)}`, init };
}

/** Fetches, re-sends and prints. Resolves with the replay's status. */
export async function replay(args: ReplayArgs, deps: ReplayDeps): Promise<number> {
  const recorded = await fetchRecorded(args, deps);
  if (recorded.body_redacted) {
    deps.err.write('warning: values that looked like secrets were recorded as [REDACTED] and are sent that way\n');
  }
  const token = recorded.user_id ? deps.mintToken(recorded.user_id) : undefined;
  const request = buildReplay(recorded, args.baseUrl, token);
  deps.err.write(
    `replaying ${recorded.method} ${recorded.path} (originally ${recorded.status}${recorded.user_id ? `, user ${recorded.user_id}` : ''}) as ${request.init.headers['X-Request-Id']}\n`,
  );
  const res = await deps.fetch(request.url, request.init);
  deps.out.write(`HTTP ${res.status}\n`);
  if (res.body) {
    const decoder = new TextDecoder();
    for await (const part of res.body) deps.out.write(decoder.decode(part as Uint8Array, { stream: true }));
    deps.out.write(decoder.decode());
  }
  deps.out.write('\n');
  return res.status;
}

export function replayDeps(config: Config): ReplayDeps {
  return {
    fetch,
    mintToken: (userId) => mintDevToken(config, userId, { expiresInSeconds: 600 }),
    out: process.stdout,
    err: process.stderr,
  };
}

async function main(): Promise<void> {
  // `npm run replay -- <id> | head` closes the pipe early: not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  try {
    const args = parseReplayArgs(process.argv.slice(2), process.env);
    const status = await replay(args, replayDeps(loadConfig()));
    process.exitCode = status >= 400 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}

if (require.main === module) void main();
