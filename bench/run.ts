/**
 * `npm run bench`: what the gateway adds to a chat, against direct calls and bare Node servers.
 * Everything runs on 127.0.0.1: lean fakes of LiteLLM and of the Edge Function + Supabase REST (two
 * helper processes), the gateway's production build (`NODE_ENV=production node dist/src/main.js`),
 * the bare references and the load generators. Writes bench/results/latest.json and prints a table.
 *
 *   BENCH_ONLY=overhead,concurrency,relay,cached,streamlog,profile,postgres,search   run some scenarios only
 *   BENCH_STREAMS=100,500,1000                     the concurrency levels of scenario 2
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379         give the gateway a Redis (cache, limits, stream slots)
 *   BENCH_CPU_PROF=1                               write a V8 CPU profile of the gateway to bench/results/
 *   BENCH_HEAP_SNAPSHOT=1                          write a heap snapshot of the gateway at 1,000 open streams
 *   BENCH_GATEWAY_ENV=LOG_LEVEL=warn,...           settings of the gateway on top of the bench's (experiments)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres   the PostgreSQL server of scenarios 6 and 7
 *                                                  (each makes a database of its own and drops it)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SETTINGS, type SettingDefinition } from '../src/config/settings';
import { FakeUpstreamProcesses } from './fakes/fake-upstream-processes';
import { benchAgent } from './load/sse-client';
import type { BenchContext } from './scenarios/bench-context';
import { cachedReadsScenario } from './scenarios/cached-reads.scenario';
import { concurrencyScenario } from './scenarios/concurrency.scenario';
import { overheadScenario } from './scenarios/overhead.scenario';
import { postgresScenario } from './scenarios/postgres.scenario';
import { searchScenario } from './scenarios/search.scenario';
import { profileScenario } from './scenarios/profile.scenario';
import { relayScenario } from './scenarios/relay.scenario';
import { streamLogScenario } from './scenarios/stream-log.scenario';
import { RpcChild } from './support/child-rpc';
import { startGateway, type GatewayProcess } from './support/gateway-process';
import { openFileLimit } from './support/proc';
import { removeKeys } from './support/redis-keys';
import { markdownTable, type Figure } from './support/report';
import { benchSecret, benchUsers } from './support/tokens';
import { benchGatewaySettings } from './support/gateway-settings';

const ROOT = path.resolve(__dirname, '../..');
const SECRET_SETTINGS = new Set(
  Object.values(SETTINGS as Record<string, SettingDefinition>)
    .filter((s) => s.secret)
    .map((s) => s.env),
);
const RESULTS = path.join(ROOT, 'bench/results');
const SCENARIOS = ['overhead', 'concurrency', 'relay', 'cached', 'streamlog', 'profile', 'postgres', 'search'] as const;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const USERS = 1000;
/** Sockets per upstream: the 1,000 concurrent streams each hold one to LiteLLM (the default, 100, would queue them). */
const POOL_SIZE = 1100;

function progress(message: string): void {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function selected(): Set<string> {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!only || only.length === 0) return new Set(SCENARIOS);
  const unknown = only.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  return new Set(only);
}

/**
 * A fixed bit of CPU work (serialise and parse a small object), in microseconds per round: the
 * same figure on two runs says the machine was as fast; a shared or throttled machine shows here.
 */
function calibrationUs(): number {
  const value = { id: 'chatcmpl-1', model: 'bench/model-a', choices: [{ index: 0, delta: { content: 'tok ' } }], n: 12 };
  const rounds = 50_000;
  const started = process.hrtime.bigint();
  let size = 0;
  for (let i = 0; i < rounds; i += 1) size += (JSON.parse(JSON.stringify(value)) as { n: number }).n;
  if (size !== rounds * 12) throw new Error('calibration went wrong');
  return Math.round((Number(process.hrtime.bigint() - started) / 1000 / rounds) * 100) / 100;
}

interface Machine {
  date: string;
  cores: number;
  cpu_model: string;
  memory_gb: number;
  os: string;
  node: string;
  open_files_limit: number;
  load_average_at_start: number[];
  calibration_us_per_json_round_trip: number;
}

function machine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cores: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    open_files_limit: openFileLimit(),
    load_average_at_start: os.loadavg().map((l) => Math.round(l * 100) / 100),
    calibration_us_per_json_round_trip: calibrationUs(),
  };
}

async function main(): Promise<void> {
  const wanted = selected();
  const host = machine();
  progress(
    `machine: ${host.cores} cores (${host.cpu_model}), Node ${host.node}, open files limit ${host.open_files_limit}, ` +
      `calibration ${host.calibration_us_per_json_round_trip} us per JSON round trip, load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
  if ((os.loadavg()[0] ?? 0) > host.cores * 0.75) {
    progress(`warning: the machine is busy (load average ${os.loadavg()[0]?.toFixed(1)} on ${host.cores} cores): timings will be inflated`);
  }
  if (wanted.has('concurrency') && host.open_files_limit < 4096) {
    // 1,000 streams hold ~2,000 sockets in this process (and as many in the gateway): EMFILE otherwise.
    throw new Error(
      `the open files limit is ${host.open_files_limit}; the concurrency scenario needs 4096. ` +
        'Raise it (ulimit -n 8192; `npm run bench` tries up to the hard limit) or leave it out: BENCH_ONLY=overhead,relay,cached',
    );
  }

  // Search needs no gateway: in process, on the PostgreSQL server only.
  const searchFigures: Figure[] = [];
  let searchDetail: unknown;
  if (wanted.has('search')) {
    const r = await searchScenario(DATABASE_URL, progress);
    searchFigures.push(...r.figures);
    searchDetail = r.detail;
    if (wanted.size === 1) {
      const file = path.join(RESULTS, 'partial-search.json');
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(file, `${JSON.stringify({ machine: host, figures: searchFigures, scenarios: { search: searchDetail } }, null, 2)}\n`);
      process.stdout.write(`\n${markdownTable(searchFigures)}\n\n`);
      progress(`wrote ${path.relative(ROOT, file)}`);
      return;
    }
  }

  const fakes = await FakeUpstreamProcesses.start();
  const agent = benchAgent();
  let gateway: GatewayProcess | undefined;
  let reference: RpcChild<{ url: string }> | undefined;
  const killGateway = (): void => {
    gateway?.child.kill('SIGKILL');
  };
  process.once('exit', killGateway);
  try {
    const secret = benchSecret();
    const users = benchUsers(USERS, secret, fakes.info.supabase);
    const redisUrl = process.env.BENCH_REDIS_URL;
    const redisPrefix = `bench-${process.pid}`;
    const settings = benchGatewaySettings(fakes.info, secret, POOL_SIZE, redisUrl ? { url: redisUrl, prefix: redisPrefix } : undefined);
    const logFile = path.join(RESULTS, 'gateway.log');
    mkdirSync(RESULTS, { recursive: true });
    gateway = await startGateway({
      root: ROOT,
      settings,
      logFile,
      ...(process.env.BENCH_CPU_PROF ? { cpuProfileDir: RESULTS } : {}),
      ...(process.env.BENCH_HEAP_SNAPSHOT ? { heapSnapshotDir: RESULTS } : {}),
    });
    progress(`gateway (production build) pid ${gateway.pid} on ${gateway.baseUrl}; logs in ${path.relative(ROOT, logFile)}`);
    reference = await RpcChild.start<{ url: string }>(
      path.join(__dirname, 'reference/reference-main.js'),
      ['orchestrator', fakes.info.litellm, fakes.info.edgeFunction, fakes.info.supabase],
      {
        env: { ...process.env, BENCH_REFERENCE_SECRET: secret },
        // With BENCH_CPU_PROF the orchestrator is profiled too, for a side-by-side look.
        ...(process.env.BENCH_CPU_PROF
          ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', RESULTS, '--cpu-prof-name', 'orchestrator.cpuprofile'] }
          : {}),
      },
    );
    progress(`bare node:http orchestrator (reference) pid ${reference.pid} on ${reference.info.url}`);

    const ctx: BenchContext = {
      root: ROOT,
      resultsDir: RESULTS,
      fakes,
      gateway,
      gatewaySettings: settings,
      reference,
      users,
      agent,
      progress,
    };
    const figures: Figure[] = [...searchFigures];
    const details: Record<string, unknown> = searchDetail === undefined ? {} : { search: searchDetail };
    const started = Date.now();
    if (wanted.has('overhead')) {
      const r = await overheadScenario(ctx);
      figures.push(...r.figures);
      details.overhead = r.detail;
    }
    if (wanted.has('concurrency')) {
      for (const n of (process.env.BENCH_STREAMS ?? '100,500,1000').split(',').map(Number)) {
        if (!Number.isInteger(n) || n < 1 || n > USERS)
          throw new Error(`BENCH_STREAMS: ${n} is not a number of streams from 1 to ${USERS}`);
        const r = await concurrencyScenario(ctx, n);
        figures.push(...r.figures);
        details[`concurrency_${n}`] = r.detail;
      }
    }
    if (wanted.has('relay')) {
      const r = await relayScenario(ctx);
      figures.push(...r.figures);
      details.relay = r.detail;
    }
    if (wanted.has('cached')) {
      const r = await cachedReadsScenario(ctx);
      figures.push(...r.figures);
      details.cached_reads = r.detail;
    }
    if (wanted.has('streamlog')) {
      const r = await streamLogScenario(ctx);
      figures.push(...r.figures);
      details.stream_log = r.detail;
    }
    if (wanted.has('postgres')) {
      const r = await postgresScenario(ctx, DATABASE_URL);
      figures.push(...r.figures);
      details.postgres = r.detail;
    }
    await gateway.stop();
    if (wanted.has('profile')) details.cpu_profile = (await profileScenario(ctx)).detail;
    if (redisUrl) await removeKeys(redisUrl, redisPrefix);

    const table = markdownTable(figures);
    const result = {
      machine: { ...host, load_average_at_end: os.loadavg().map((l) => Math.round(l * 100) / 100) },
      gateway: {
        build: 'dist/src/main.js, NODE_ENV=production',
        // The secret and the keys are this run's own and worthless; they are still not written down.
        settings: Object.fromEntries(Object.entries(settings).filter(([name]) => !SECRET_SETTINGS.has(name))),
        redis: Boolean(redisUrl),
      },
      duration_seconds: Math.round((Date.now() - started) / 1000),
      figures,
      scenarios: details,
    };
    const file = wanted.size === SCENARIOS.length ? 'latest.json' : `partial-${[...wanted].join('-')}.json`;
    writeFileSync(path.join(RESULTS, file), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `\nBenchmark ${host.date}: ${host.cores} x ${host.cpu_model}, Node ${host.node}, ` +
        `calibration ${host.calibration_us_per_json_round_trip} us, load average ${host.load_average_at_start[0]} at start\n\n${table}\n\n`,
    );
    progress(`wrote ${path.relative(ROOT, path.join(RESULTS, file))}`);
  } finally {
    agent.destroy();
    await gateway?.stop();
    await reference?.stop();
    await fakes.stop();
    process.off('exit', killGateway);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
