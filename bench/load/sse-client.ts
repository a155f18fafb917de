import http from 'node:http';
import { nowUs } from '../support/clock';

export interface StreamRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  requestId: string;
}

export interface StreamResult {
  requestId: string;
  ok: boolean;
  status: number;
  /** Content deltas received. */
  tokens: number;
  bytes: number;
  sentUs: number;
  /** The first `data:` event carrying text. */
  firstTokenUs: number | undefined;
  endUs: number;
  error?: string;
}

/** Streams open right now and the most seen at once (request sent, response not over). */
export class OpenStreams {
  open = 0;
  max = 0;

  opened(): void {
    this.open += 1;
    if (this.open > this.max) this.max = this.open;
  }

  closed(): void {
    this.open -= 1;
  }
}

const CONTENT = '"content"';
const DONE = 'data: [DONE]';
const ERROR = 'data: {"error"';

/**
 * A raw `node:http` SSE client that reads an OpenAI-style stream the way a browser would, and
 * timestamps it: request written, first text event, end. It parses no JSON: an event with a
 * `"content"` field counts as a token, `data: [DONE]` ends it well, `data: {"error"` badly. Lean on
 * purpose, so at a thousand streams the load generator is not what is measured.
 */
export function streamChat(agent: http.Agent, request: StreamRequest, openStreams?: OpenStreams): Promise<StreamResult> {
  return new Promise((resolve) => {
    const result: StreamResult = {
      requestId: request.requestId,
      ok: false,
      status: 0,
      tokens: 0,
      bytes: 0,
      sentUs: 0,
      firstTokenUs: undefined,
      endUs: 0,
    };
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      result.endUs = nowUs();
      if (error !== undefined) {
        result.ok = false;
        result.error = error;
      }
      openStreams?.closed();
      resolve(result);
    };

    const req = http.request(
      request.url,
      {
        method: 'POST',
        agent,
        headers: {
          ...request.headers,
          'Content-Type': 'application/json',
          Accept: 'text/event-stream',
          'Content-Length': String(Buffer.byteLength(request.body)),
          'X-Request-Id': request.requestId,
        },
      },
      (res) => {
        result.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        if (result.status !== 200) {
          let text = '';
          res.on('data', (part: string) => (text += part));
          res.on('end', () => finish(`HTTP ${result.status}: ${text.slice(0, 200)}`));
          res.on('error', (err) => finish(err.message));
          return;
        }
        let pending = '';
        let done = false;
        let failed: string | undefined;
        res.on('data', (part: string) => {
          result.bytes += part.length;
          pending = pending.length === 0 ? part : pending + part;
          let start = 0;
          for (;;) {
            const end = pending.indexOf('\n\n', start);
            if (end === -1) break;
            // The gateway's events carry an `id:` line (their place in the turn) before `data:`.
            let at = start;
            if (pending.startsWith('id: ', at)) {
              const nl = pending.indexOf('\n', at);
              if (nl !== -1 && nl < end) at = nl + 1;
            }
            if (pending.startsWith('data: ', at)) {
              if (pending.startsWith(DONE, at)) done = true;
              else if (pending.startsWith(ERROR, at)) failed ??= pending.slice(at, Math.min(end, at + 300));
              else {
                const content = pending.indexOf(CONTENT, start);
                if (content !== -1 && content < end) {
                  if (result.tokens === 0) result.firstTokenUs = nowUs();
                  result.tokens += 1;
                }
              }
            }
            start = end + 2;
          }
          pending = start === 0 ? pending : pending.slice(start);
        });
        res.on('end', () => {
          if (failed !== undefined) finish(`error event: ${failed}`);
          else if (!done) finish('stream ended without [DONE]');
          else {
            result.ok = true;
            finish();
          }
        });
        res.on('error', (err) => finish(err.message));
        res.on('close', () => finish('connection closed'));
      },
    );
    req.on('error', (err) => finish(err.message));
    openStreams?.opened();
    result.sentUs = nowUs();
    req.end(request.body);
  });
}

/** A keep-alive agent that keeps every socket it opened (Node keeps 256 idle ones by default). */
export function benchAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 4096, scheduling: 'fifo' });
}

/**
 * Opens `count` keep-alive sockets of the agent to a server with cheap GETs, all at once (so the
 * agent cannot reuse one), so that a burst of streams measures streaming, not TCP set-up.
 */
export async function warmSockets(agent: http.Agent, url: URL, count: number): Promise<void> {
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      http
        .get(url, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  await Promise.all(Array.from({ length: count }, one));
}
