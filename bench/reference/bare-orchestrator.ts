import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

/**
 * The like-for-like reference of the chat path: what the gateway does per streamed chat, written
 * on bare `node:http` with keep-alive agents and nothing else (no framework, no logging, no
 * metrics, no validation library, no retries). The bench's CPU and latency targets are ratios
 * against this, so it must do every exchange the gateway does, in the same order:
 *
 *   verify the HS256 access token -> read the profile (Supabase REST, with the user's token)
 *   -> add-message -> build-context (Edge Function) -> stream from LiteLLM (the user's key),
 *   relaying every content delta as an OpenAI chunk (the deltas of one upstream read in one
 *   write) -> save-response -> the final chunk (usage, ids) -> `[DONE]`.
 *
 * A client that goes away closes the upstream stream; the partial reply is still saved.
 */
export interface OrchestratorTargets {
  litellm: string;
  edgeFunction: string;
  supabase: string;
  secret: string;
}

interface Claims {
  sub: string;
  exp: number;
  aud?: string | string[];
}

function agent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 1100, maxFreeSockets: 1100, scheduling: 'lifo' });
}

/** HS256 with the shared secret, `exp` and the audience checked: what jsonwebtoken does for the gateway. */
function verify(token: string, key: Buffer): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Claims;
    if (header.alg !== 'HS256' || typeof claims.sub !== 'string' || !(claims.exp > Date.now() / 1000)) return undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return aud.includes('authenticated') ? claims : undefined;
  } catch {
    return undefined;
  }
}

function readBody(stream: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (part: string) => (text += part));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}

/** One JSON exchange with an upstream; anything but 2xx is an error. */
function call<T>(pool: http.Agent, url: URL, method: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent: pool,
        headers:
          text === undefined ? headers : { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
      },
      (res) => {
        readBody(res).then((answer) => {
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${url.pathname}: HTTP ${res.statusCode}`));
          else resolve(JSON.parse(answer) as T);
        }, reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

export function bareOrchestrator(targets: OrchestratorTargets): http.RequestListener {
  const key = Buffer.from(targets.secret);
  const platform = agent();
  const llm = agent();
  const edge = (op: string) => new URL(`${targets.edgeFunction}/${op}`);
  const chatUrl = new URL('/chat/completions', targets.litellm);

  return (req, res) => {
    const fail = (status: number, message: string): void => {
      if (res.headersSent) {
        res.end(`data: ${JSON.stringify({ error: { message } })}\n\ndata: [DONE]\n\n`);
      } else res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message } }));
    };
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      req.resume();
      fail(404, 'not found');
      return;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const claims = token ? verify(token, key) : undefined;
    if (!token || !claims) {
      req.resume();
      fail(401, 'invalid token');
      return;
    }
    const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID();
    const userHeaders = { Authorization: `Bearer ${token}`, apikey: 'bench-anon-key', 'X-Request-Id': requestId };
    const platformCall = <T>(url: URL, method: string, body?: unknown): Promise<T> => call<T>(platform, url, method, userHeaders, body);
    void (async () => {
      const input = JSON.parse(await readBody(req)) as { message: string; model: string; conversation_id?: string };
      const [profile] = await platformCall<{ litellm_key: string }[]>(
        new URL(`/rest/v1/user_profiles?select=*&id=eq.${claims.sub}`, targets.supabase),
        'GET',
      );
      if (!profile) throw new Error('no profile');
      const added = await platformCall<{ data: { message_id: string; conversation_id: string; branch_id: string } }>(
        edge('add-message'),
        'POST',
        { conversation_id: input.conversation_id, role: 'user', content: input.message, model: input.model },
      );
      const { conversation_id, branch_id, message_id } = added.data;
      const context = await platformCall<{ data: { messages: { role: string; content: string }[] } }>(edge('build-context'), 'POST', {
        conversation_id,
        branch_id,
        max_messages: 50,
      });
      await relay(input.model, context.data.messages, profile.litellm_key, { conversation_id, branch_id, message_id });
    })().catch((err: unknown) => fail(502, (err as Error).message));

    async function relay(
      model: string,
      messages: { role: string; content: string }[],
      litellmKey: string,
      placement: { conversation_id: string; branch_id: string; message_id: string },
    ): Promise<void> {
      const id = `chatcmpl-${randomUUID()}`;
      const prefix = `{"id":"${id}","object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(model)},"choices":[{"index":0,"delta":`;
      const body = JSON.stringify({ model, messages, stream: true, stream_options: { include_usage: true }, user: claims?.sub });
      let reply = '';
      let usage: unknown = null;
      let finish: string | null = null;
      const upstream = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const out = http.request(chatUrl, {
          method: 'POST',
          agent: llm,
          headers: {
            Authorization: `Bearer ${litellmKey}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'X-Request-Id': requestId,
          },
        });
        out.on('response', resolve);
        out.on('error', reject);
        out.end(body);
      });
      if (upstream.statusCode !== 200) throw new Error(`LiteLLM: HTTP ${upstream.statusCode}`);
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
      upstream.setEncoding('utf8');
      let pending = '';
      await new Promise<void>((resolve) => {
        upstream.on('data', (part: string) => {
          pending += part;
          let out = '';
          let start = 0;
          for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n', start)) {
            const line = pending.slice(start, end);
            start = end + 2;
            if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
            const chunk = JSON.parse(line.slice(6)) as {
              choices?: { delta?: { content?: string }; finish_reason?: string | null }[];
              usage?: unknown;
            };
            if (chunk.usage) usage = chunk.usage;
            const choice = chunk.choices?.[0];
            if (choice?.finish_reason) finish = choice.finish_reason;
            const content = choice?.delta?.content;
            if (content) {
              reply += content;
              out += `data: ${prefix}{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
            }
          }
          pending = pending.slice(start);
          // The deltas of one upstream read in one write; a full socket pauses the upstream.
          if (out && !res.destroyed && !res.write(out)) {
            upstream.pause();
            res.once('drain', () => upstream.resume());
          }
        });
        upstream.on('end', resolve);
        upstream.on('close', resolve);
        upstream.on('error', () => resolve());
      });
      const saved = await platformCall<{ data: { message_id: string } }>(edge('save-response'), 'POST', {
        conversation_id: placement.conversation_id,
        branch_id: placement.branch_id,
        parent_id: placement.message_id,
        content: reply,
        model,
        tokens_count: (usage as { completion_tokens?: number } | null)?.completion_tokens ?? 0,
      });
      if (res.destroyed) return;
      const final = `${prefix}{},"finish_reason":${JSON.stringify(finish ?? 'stop')}}],"usage":${JSON.stringify(usage)},"conversation":${JSON.stringify({ ...placement, assistant_message_id: saved.data.message_id })}}`;
      res.end(`data: ${final}\n\ndata: [DONE]\n\n`);
    }
  };
}
