/**
 * CPU per upstream call of the gateway's transports, against a bare `node:http` call, on one small
 * JSON exchange (the shape of add-message) with a local server in a child process:
 *   node dist/bench/tools/transport-compare.js [calls] [concurrency]
 * The figures behind docs/adr/0009-upstream-transport.md: client CPU per call (user + system of this
 * process, best of two rounds) and calls per second.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamClient } from '../../src/adapters/http/upstream-client';
import { SystemClock } from '../../src/adapters/system/system-clock';
import type { Logger } from '../../src/ports/logger.port';

const ANSWER = JSON.stringify({ success: true, data: { message_id: 'm-1', conversation_id: 'c-1', branch_id: 'b-1', parent_id: null } });
const BODY = { conversation_id: 'c-1', role: 'user', content: 'Hello from the benchmark: say something.', model: 'bench/model-a' };
const HEADERS = { Authorization: 'Bearer abc.def.ghi', apikey: 'anon', Accept: 'application/json', 'Content-Type': 'application/json' };

function serve(): void {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(ANSWER));
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
}

const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const clock = new SystemClock();

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 4000);
  const concurrency = Number(process.argv[3] ?? 1);
  const child = fork(__filename, ['--serve']);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const base = `http://127.0.0.1:${port}`;
  const client = (transport: 'auto' | 'axios') =>
    new UpstreamClient({ name: 'edge_function', baseURL: base, poolSize: 100, timeoutMs: 10_000, transport }, clock, quiet);
  const direct = client('auto');
  const viaAxios = client('axios');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
  const text = JSON.stringify(BODY);
  const addMessage = (c: UpstreamClient) =>
    c.request({
      operation: 'addUserMessage',
      idempotent: false,
      method: 'POST',
      url: '/add-message',
      data: BODY,
      headers: HEADERS,
      requestId: 'r-1',
    });
  const variants: Record<string, () => Promise<unknown>> = {
    'UpstreamClient, axios + axios-retry': () => addMessage(viaAxios),
    'UpstreamClient, direct node:http': () => addMessage(direct),
    'bare node:http': () =>
      new Promise((resolve, reject) => {
        const req = http.request(
          `${base}/add-message`,
          { method: 'POST', agent, headers: { ...HEADERS, 'X-Request-Id': 'r-1', 'Content-Length': Buffer.byteLength(text) } },
          (res) => {
            let t = '';
            res.setEncoding('utf8');
            res.on('data', (p: string) => (t += p));
            res.on('end', () => resolve(JSON.parse(t)));
          },
        );
        req.on('error', reject);
        req.end(text);
      }),
  };
  const best: Record<string, number> = {};
  for (let round = 0; round < 2; round += 1) {
    for (const [name, call] of Object.entries(variants)) {
      for (let i = 0; i < 300; i += 1) await call();
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      let left = calls;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) await call();
        }),
      );
      const used = process.cpuUsage(cpu);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const us = (used.user + used.system) / calls;
      best[name] = Math.min(best[name] ?? Infinity, us);
      if (round === 1) {
        process.stdout.write(
          `${name.padEnd(38)} ${best[name]!.toFixed(1).padStart(6)} us CPU per call   ${Math.round((calls / wallMs) * 1000)} calls/s\n`,
        );
      }
    }
  }
  child.kill();
  agent.destroy();
}

if (process.argv.includes('--serve')) serve();
else
  void main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
