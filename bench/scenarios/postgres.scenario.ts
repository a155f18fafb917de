import { Client } from 'pg';
import { randomBytes } from 'node:crypto';
import { streamChat } from '../load/sse-client';
import { CpuMeter } from '../support/proc';
import { figure, type Figure } from '../support/report';
import { round, summarize } from '../support/stats';
import { startGateway } from '../support/gateway-process';
import path from 'node:path';
import { configureStreams, defined, gatewayChat, ttftMs, type BenchContext } from './bench-context';

const SCENARIO = '6. PostgreSQL store';

/** The bench's own database on the server of BENCH_DATABASE_URL, dropped afterwards. */
export async function benchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `acg_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * The same sequential streamed chats through the gateway on the Edge Function fake (the bench's
 * default) and through a second gateway keeping conversations in PostgreSQL (DATABASE_URL, the
 * same fakes for profiles and LiteLLM): CPU per chat and TTFT of both, and their ratio.
 */
export async function postgresScenario(
  ctx: BenchContext,
  serverUrl: string,
  chats = 300,
  warmup = 30,
): Promise<{ figures: Figure[]; detail: unknown }> {
  await configureStreams(ctx, { firstTokenDelayMs: 0, tokens: 16, tokenSpacingMs: 0 });
  const db = await benchDatabase(serverUrl);
  const { EDGE_FUNCTION_URL: _edge, ...settings } = ctx.gatewaySettings;
  const pg = await startGateway({
    root: ctx.root,
    settings: { ...settings, DATABASE_URL: db.url, DATABASE_POOL_SIZE: '10' },
    logFile: path.join(ctx.resultsDir, 'gateway-postgres.log'),
  });
  try {
    ctx.progress(`${SCENARIO}: gateway on PostgreSQL pid ${pg.pid}; warm-up (${warmup} pairs)`);
    const user = ctx.users[1]!;
    const edgeChat = (id: string) => streamChat(ctx.agent, gatewayChat(ctx, user, id));
    const pgChat = (id: string) => streamChat(ctx.agent, gatewayChat(ctx, user, id, pg.baseUrl));
    for (let i = 0; i < warmup; i += 1) {
      await edgeChat(`s6-warm-e-${i}`);
      await pgChat(`s6-warm-p-${i}`);
    }
    // One process measured at a time, so each CPU figure is that gateway's alone.
    const measure = async (label: string, run: (id: string) => ReturnType<typeof edgeChat>, pid: number) => {
      const cpu = new CpuMeter([pid]);
      const started = Date.now();
      const results = [];
      for (let i = 0; i < chats; i += 1) results.push(await run(`s6-${label}-${i}`));
      const cpuMs = round(((cpu.read()[0] ?? 0) * (Date.now() - started)) / chats);
      return { cpuMs, ttft: summarize(defined(results.map(ttftMs))), failures: results.filter((r) => !r.ok).length };
    };
    const edge = await measure('edge', edgeChat, ctx.gateway.pid);
    ctx.progress(`${SCENARIO}: ${chats} chats on the Edge Function fake done`);
    const postgres = await measure('pg', pgChat, pg.pid);
    ctx.progress(`${SCENARIO}: ${chats} chats on PostgreSQL done`);
    const ratio = (a: number, b: number) => round(a / b, 2);
    const figures = [
      figure(SCENARIO, 'gateway CPU per chat (PostgreSQL)', 'ms', postgres.cpuMs, {
        reference: { name: 'Edge Function fake', value: edge.cpuMs },
      }),
      figure(SCENARIO, 'CPU per chat ratio (PostgreSQL / Edge Function fake)', 'x', ratio(postgres.cpuMs, edge.cpuMs)),
      figure(SCENARIO, 'TTFT p50 (PostgreSQL)', 'ms', postgres.ttft.p50, {
        reference: { name: 'Edge Function fake', value: edge.ttft.p50 },
      }),
      figure(SCENARIO, 'TTFT p99 (PostgreSQL)', 'ms', postgres.ttft.p99, {
        reference: { name: 'Edge Function fake', value: edge.ttft.p99 },
      }),
      figure(SCENARIO, 'TTFT p50 ratio (PostgreSQL / Edge Function fake)', 'x', ratio(postgres.ttft.p50, edge.ttft.p50)),
      figure(SCENARIO, 'failed chats (PostgreSQL)', '', postgres.failures, {
        reference: { name: 'Edge Function fake', value: edge.failures },
      }),
    ];
    return { figures, detail: { chats, edge_function_fake: edge, postgres } };
  } finally {
    await pg.stop();
    await db.drop();
  }
}
