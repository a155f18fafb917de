/**
 * Instructions per chat of the gateway and of the bare orchestrator, counted by valgrind's callgrind:
 *   node dist/bench/tools/instructions-per-chat.js [chats=200] [warmup=300] [--models] [--root <dir>] [--keep]
 *
 * CPU time on a shared 2-core machine varies by 15 to 30 % from run to run, more than most single
 * changes to the chat path save; instruction counts are the same to a tenth of a percent run after
 * run, so a change's effect shows at once (it counts user space only: the kernel's share of a chat,
 * the same socket calls for both, is not in it). Both processes run under callgrind, serve `warmup`
 * chats (the 16-token stream of scenario 1), have their counters zeroed, serve `chats` more, and
 * dump, and say how much of it was V8's optimising compiler. `--models` counts `GET /v1/models` from the warm cache instead (the gateway only);
 * `--root` runs the gateway built in another checkout (a before/after comparison in one run);
 * `--keep` leaves the dumps in place and prints where, for `callgrind_annotate` (native frames
 * only: JIT-compiled JavaScript shows as addresses).
 * Needs valgrind (callgrind_control comes with it); about 50x slower than native, a few minutes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { BENCH_MODEL } from '../fakes/bench-upstreams';
import { FakeUpstreamProcesses } from '../fakes/fake-upstream-processes';
import { benchAgent, streamChat, type StreamRequest } from '../load/sse-client';
import { RpcChild } from '../support/child-rpc';
import { sleep } from '../support/clock';
import { startGateway } from '../support/gateway-process';
import { benchGatewaySettings } from '../support/gateway-settings';
import { benchSecret, benchUsers } from '../support/tokens';

const ROOT = path.resolve(__dirname, '../../..');

function chatRequest(baseUrl: string, token: string, requestId: string): StreamRequest {
  return {
    url: new URL('/v1/chat/completions', baseUrl),
    headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify({ message: 'Hello from the benchmark: say something.', model: BENCH_MODEL, stream: true }),
    requestId,
  };
}

function get(agent: http.Agent, url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/**
 * Zeroes (`-z`) or dumps (`-d`) the counters of a process under callgrind. vgdb, behind
 * callgrind_control, finds the process by pipes named after the `HOST` of its environment, which
 * for the gateway is its listening address.
 */
function control(flag: '-z' | '-d', target: { pid: number; host?: string }): void {
  const env = target.host === undefined ? process.env : { ...process.env, HOST: target.host };
  execFileSync('callgrind_control', [flag, String(target.pid)], { stdio: 'ignore', env });
}

/**
 * The instructions of the dump of `pid` in `dir` (callgrind writes `cg.<pid>.1` when the process
 * next runs, which may be a moment after callgrind_control returned).
 */
async function dumped(dir: string, pid: number): Promise<number> {
  const file = path.join(dir, `cg.${pid}.1`);
  for (let i = 0; i < 600; i += 1) {
    if (existsSync(file)) {
      const match = /^(?:totals|summary): (\d+)/m.exec(readFileSync(file, 'utf8'));
      if (match) return Number(match[1]);
    }
    await sleep(100);
  }
  throw new Error(`no callgrind dump of ${pid} in ${dir} (${readdirSync(dir).join(', ')})`);
}

/**
 * The instructions V8's optimising compiler (TurboFan, on its background threads) spent in the
 * dump: a cost a process pays while its code is still being optimised, which a server running for
 * days has long finished paying. Read from `callgrind_annotate`'s inclusive totals; 0 when absent.
 */
function compiling(dir: string, pid: number): number {
  const text = execFileSync('callgrind_annotate', ['--inclusive=yes', path.join(dir, `cg.${pid}.1`)], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = text.split('\n').find((l) => l.includes('OptimizingCompileDispatcher::CompileTask::RunInternal'));
  return line ? Number((/^\s*([\d,]+)/.exec(line)?.[1] ?? '0').replace(/,/g, '')) : 0;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf('--root');
  const root = rootAt === -1 ? ROOT : path.resolve(args.splice(rootAt, 2)[1] ?? '.');
  const numbers = args.filter((a) => !a.startsWith('--'));
  const chats = Number(numbers[0] ?? 200);
  const warmup = Number(numbers[1] ?? 300);
  const models = process.argv.includes('--models');
  const keep = process.argv.includes('--keep');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'callgrind-'));
  const valgrind = ['valgrind', '--tool=callgrind', '--collect-atstart=yes', `--callgrind-out-file=${dir}/cg.%p`];
  const fakes = await FakeUpstreamProcesses.start();
  await fakes.configure({ firstTokenDelayMs: 0, tokens: 16, tokenSpacingMs: 0 });
  const secret = benchSecret();
  const [user] = benchUsers(1, secret, fakes.info.supabase);
  const token = (user as { token: string }).token;
  const agent = benchAgent();
  const gateway = await startGateway({
    root,
    settings: benchGatewaySettings(fakes.info, secret, 100),
    logFile: path.join(dir, 'gateway.log'),
    wrapper: valgrind,
    startupSeconds: 300,
  });
  const reference = models
    ? undefined
    : await RpcChild.start<{ url: string }>(
        path.join(__dirname, '../reference/reference-main.js'),
        ['orchestrator', fakes.info.litellm, fakes.info.edgeFunction, fakes.info.supabase],
        {
          env: { ...process.env, BENCH_REFERENCE_SECRET: secret },
          execPath: valgrind[0],
          execArgv: [...valgrind.slice(1), process.execPath],
        },
      );
  const targets: { name: string; pid: number; url: string; host?: string }[] = [
    { name: 'gateway', pid: gateway.pid, url: gateway.baseUrl, host: new URL(gateway.baseUrl).hostname },
  ];
  if (reference) targets.push({ name: 'bare orchestrator', pid: reference.pid, url: reference.info.url });
  try {
    const once = async (url: string, id: string): Promise<void> => {
      if (models) {
        const status = await get(agent, `${url}/v1/models`, token);
        if (status !== 200) throw new Error(`GET /v1/models answered ${status}`);
        return;
      }
      const r = await streamChat(agent, chatRequest(url, token, id));
      if (!r.ok) throw new Error(`a chat through ${url} failed: ${r.status} ${r.error ?? ''}`);
    };
    for (let i = 0; i < warmup; i += 1) for (const t of targets) await once(t.url, `warm-${t.name}-${i}`);
    for (const t of targets) control('-z', t);
    for (let i = 0; i < chats; i += 1) for (const t of targets) await once(t.url, `count-${t.name}-${i}`);
    for (const t of targets) control('-d', t);
    const per = [];
    for (const t of targets) {
      const total = await dumped(dir, t.pid);
      per.push({ name: t.name, instructions: total / chats, compiling: compiling(dir, t.pid) / chats });
    }
    const what = models ? 'GET /v1/models' : 'chat (16 tokens)';
    const count = (n: number) => Math.round(n).toLocaleString('en');
    for (const p of per) {
      process.stdout.write(
        `${p.name.padEnd(18)} ${count(p.instructions)} instructions per ${what}, of which ${count(p.compiling)} in TurboFan compile jobs (${count(p.instructions - p.compiling)} without them)\n`,
      );
    }
    const [a, b] = per;
    if (a && b) {
      process.stdout.write(
        `ratio ${(a.instructions / b.instructions).toFixed(2)}x, without compile jobs ${((a.instructions - a.compiling) / (b.instructions - b.compiling)).toFixed(2)}x\n`,
      );
    }
  } finally {
    await gateway.stop();
    await reference?.stop();
    await fakes.stop();
    agent.destroy();
    if (keep) process.stdout.write(`dumps kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
