import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveRpc } from '../support/child-rpc';
import { bareOrchestrator } from './bare-orchestrator';

/**
 * Helper process: the bare `node:http` references the gateway is compared with, on their own CPU
 * like the gateway.
 *   passthrough <upstream base URL>       pipes each request to the upstream and its answer back,
 *                                         byte for byte (the fake LiteLLM's SSE): the relay ceiling
 *   static <body file> <content type>     answers every request with the same bytes
 *   orchestrator <litellm> <edge function> <supabase>
 *                                         the chat path on bare node:http (bare-orchestrator.ts), with
 *                                         the JWT secret in BENCH_REFERENCE_SECRET
 */
function passthrough(target: string): http.RequestListener {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 4096 });
  return (req, res) => {
    const out = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  };
}

function staticBytes(file: string, contentType: string): http.RequestListener {
  const body = readFileSync(file);
  const headers = { 'Content-Type': contentType, 'Content-Length': String(body.length) };
  return (req, res) => {
    req.resume();
    res.writeHead(200, headers).end(body);
  };
}

function main(): void {
  const [mode, a, b, c] = process.argv.slice(2) as string[];
  const handler =
    mode === 'passthrough'
      ? passthrough(a as string)
      : mode === 'orchestrator'
        ? bareOrchestrator({
            litellm: a as string,
            edgeFunction: b as string,
            supabase: c as string,
            secret: process.env.BENCH_REFERENCE_SECRET ?? '',
          })
        : staticBytes(a as string, b as string);
  const server = http.createServer(handler);
  server.keepAliveTimeout = 120_000;
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
    serveRpc({}, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
}

main();
