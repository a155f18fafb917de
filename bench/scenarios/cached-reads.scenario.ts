import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { CannonRun } from '../load/autocannon-main';
import { RpcChild } from '../support/child-rpc';
import { CpuMeter } from '../support/proc';
import { round } from '../support/stats';
import { figure, type Figure } from '../support/report';
import type { BenchContext } from './bench-context';

const SCENARIO = '4. cached reads';
const CONNECTIONS = 50;

interface CannonResult {
  rps: number;
  total: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  bytesPerSecond: number;
  errors: number;
  non2xx: number;
  durationSeconds: number;
}

function fetchOnce(url: string, token: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (p: Buffer) => parts.push(p));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(parts) }),
        );
      })
      .on('error', reject);
  });
}

/**
 * `GET /v1/models` from a warm cache with autocannon, against a bare `node:http` server answering
 * the very same bytes: what authentication, limits, routing, the cache and serialisation cost.
 */
export async function cachedReadsScenario(
  ctx: BenchContext,
  seconds = 8,
  warmupSeconds = 2,
): Promise<{ figures: Figure[]; detail: unknown }> {
  const user = ctx.users[0]!;
  const url = `${ctx.gateway.baseUrl}/v1/models`;
  const first = await fetchOnce(url, user.token);
  if (first.status !== 200) throw new Error(`GET /v1/models answered ${first.status}: ${first.body.toString().slice(0, 200)}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'acg-bench-'));
  const file = path.join(dir, 'models.json');
  writeFileSync(file, first.body);
  const bare = await RpcChild.start<{ url: string }>(path.join(__dirname, '../reference/reference-main.js'), ['static', file, first.type]);
  const cannon = await RpcChild.start(path.join(__dirname, '../load/autocannon-main.js'));
  try {
    const run = async (target: string, pid: number, duration: number, headers?: Record<string, string>) => {
      const cpu = new CpuMeter([pid, cannon.pid]);
      const started = Date.now();
      const r = await cannon.call<CannonResult>('run', {
        url: target,
        connections: CONNECTIONS,
        durationSeconds: duration,
        headers,
      } satisfies CannonRun);
      const [server, load] = cpu.read();
      const elapsed = (Date.now() - started) / 1000;
      return {
        ...r,
        serverCpuUsPerRequest: round(((server ?? Number.NaN) * elapsed * 1e6) / Math.max(1, r.total)),
        cpuShare: { server: round(server ?? Number.NaN), autocannon: round(load ?? Number.NaN) },
      };
    };
    const auth = { Authorization: `Bearer ${user.token}` };

    ctx.progress(`${SCENARIO}: gateway GET /v1/models, ${CONNECTIONS} connections, ${seconds} s`);
    await run(url, ctx.gateway.pid, warmupSeconds, auth);
    const gateway = await run(url, ctx.gateway.pid, seconds, auth);
    ctx.progress(`${SCENARIO}: bare server with the same ${first.body.length} bytes, ${seconds} s`);
    await run(bare.info.url, bare.pid, warmupSeconds);
    const reference = await run(bare.info.url, bare.pid, seconds);

    const figures = [
      figure(SCENARIO, 'requests per second', 'req/s', gateway.rps, {
        reference: { name: 'bare server', value: reference.rps },
        target: { text: '>= 30% of bare', met: gateway.rps >= 0.3 * reference.rps },
      }),
      figure(SCENARIO, 'CPU per request', 'us', gateway.serverCpuUsPerRequest, {
        reference: { name: 'bare server', value: reference.serverCpuUsPerRequest },
      }),
      figure(SCENARIO, 'latency p99', 'ms', gateway.latencyP99Ms, { reference: { name: 'bare server', value: reference.latencyP99Ms } }),
      figure(SCENARIO, 'errors and non-2xx', '', gateway.errors + gateway.non2xx, {
        reference: { name: 'bare server', value: reference.errors + reference.non2xx },
      }),
    ];
    return {
      figures,
      detail: { connections: CONNECTIONS, seconds, body_bytes: first.body.length, gateway, bare_server: reference },
    };
  } finally {
    await cannon.stop();
    await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
