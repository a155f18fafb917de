import path from 'node:path';
import { streamChat } from '../load/sse-client';
import { nowUs } from '../support/clock';
import { startGateway, type GatewayProcess } from '../support/gateway-process';
import { cpuSeconds } from '../support/proc';
import { redisAnswers, removeKeys } from '../support/redis-keys';
import { figure, type Figure } from '../support/report';
import { round } from '../support/stats';
import { collectRecords, configureStreams, gatewayChat, type BenchContext } from './bench-context';

const SCENARIO = '6. stream log cost';
const CLIENTS = 20;
const TOKENS = 200;
const ROUNDS = 3;

interface Run {
  chats: number;
  failed: number;
  cpuSeconds: number;
}

/** `CLIENTS` clients streaming one chat after another for `seconds`; the gateway's CPU time meanwhile. */
async function run(ctx: BenchContext, gateway: GatewayProcess, seconds: number, tag: string): Promise<Run> {
  const before = cpuSeconds(gateway.pid);
  const deadline = nowUs() + seconds * 1e6;
  let chats = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, worker) => {
      for (let i = 0; nowUs() < deadline; i += 1) {
        const user = ctx.users[(worker * 37 + i) % ctx.users.length]!;
        const r = await streamChat(ctx.agent, gatewayChat(ctx, user, `s6-${tag}-${worker}-${i}`, gateway.baseUrl));
        chats += 1;
        if (!r.ok || r.tokens !== TOKENS) failed += 1;
      }
    }),
  );
  return { chats, failed, cpuSeconds: cpuSeconds(gateway.pid) - before };
}

function sum(runs: Run[]): Run {
  return runs.reduce((a, r) => ({ chats: a.chats + r.chats, failed: a.failed + r.failed, cpuSeconds: a.cpuSeconds + r.cpuSeconds }), {
    chats: 0,
    failed: 0,
    cpuSeconds: 0,
  });
}

/**
 * What keeping every streamed turn in the stream log costs: two gateways that differ only in
 * REDIS_URL (without it the log is in-process), the same chats through each, alternating rounds so
 * a drift of the machine hits both alike. Figure: the gateway's CPU time per chat. With Redis the
 * gateway also caches and rate-limits through Redis, so this is an upper bound of the log's cost;
 * Redis' own CPU is not counted.
 */
export async function streamLogScenario(
  ctx: BenchContext,
  seconds = 3,
  warmupSeconds = 1,
): Promise<{ figures: Figure[]; detail: unknown }> {
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await redisAnswers(redisUrl))) {
    ctx.progress(`${SCENARIO}: no Redis answers at ${redisUrl}; skipped (set BENCH_REDIS_URL)`);
    return { figures: [], detail: { skipped: `no Redis at ${redisUrl}` } };
  }
  await configureStreams(ctx, { firstTokenDelayMs: 0, tokens: TOKENS, tokenSpacingMs: 0 });
  const base = Object.fromEntries(
    Object.entries(ctx.gatewaySettings).filter(([name]) => name !== 'REDIS_URL' && name !== 'REDIS_KEY_PREFIX'),
  );
  const prefix = `bench-streamlog-${process.pid}`;
  const without = await startGateway({ root: ctx.root, settings: base, logFile: path.join(ctx.resultsDir, 'gateway-in-process-log.log') });
  const withRedis = await startGateway({
    root: ctx.root,
    settings: { ...base, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix },
    logFile: path.join(ctx.resultsDir, 'gateway-redis-log.log'),
  });
  try {
    ctx.progress(
      `${SCENARIO}: ${CLIENTS} clients, chats of ${TOKENS} tokens, ${ROUNDS} rounds of ${seconds} s per gateway (without / with Redis)`,
    );
    await run(ctx, without, warmupSeconds, 'warm-memory');
    await run(ctx, withRedis, warmupSeconds, 'warm-redis');
    const memoryRuns: Run[] = [];
    const redisRuns: Run[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      memoryRuns.push(await run(ctx, without, seconds, `memory-${r}`));
      redisRuns.push(await run(ctx, withRedis, seconds, `redis-${r}`));
    }
    await collectRecords(ctx);
    const memory = sum(memoryRuns);
    const redis = sum(redisRuns);
    const memoryUs = (memory.cpuSeconds * 1e6) / Math.max(1, memory.chats);
    const redisUs = (redis.cpuSeconds * 1e6) / Math.max(1, redis.chats);
    const figures = [
      figure(SCENARIO, 'gateway CPU per chat, stream log on Redis', 'us', redisUs, {
        reference: { name: 'in-process log (no Redis)', value: memoryUs },
        target: { text: '<= 115% of no Redis', met: redisUs <= 1.15 * memoryUs },
      }),
      figure(SCENARIO, 'failed chats, stream log on Redis', '', redis.failed, {
        reference: { name: 'in-process log (no Redis)', value: memory.failed },
      }),
    ];
    return {
      figures,
      detail: {
        clients: CLIENTS,
        stream: { tokens: TOKENS, first_token_delay_ms: 0, token_spacing_ms: 0 },
        rounds: ROUNDS,
        seconds_per_round: seconds,
        in_process: { ...memory, cpu_us_per_chat: round(memoryUs) },
        redis: { ...redis, cpu_us_per_chat: round(redisUs), ratio: round(redisUs / memoryUs) },
        method:
          'Two production gateways differing only in REDIS_URL; the same chats through each in alternating rounds; CPU time of the gateway process (utime+stime) per chat. ' +
          'With Redis the cache and rate limits also go to Redis, so the ratio bounds the stream log from above; Redis server CPU is not counted.',
      },
    };
  } finally {
    await without.stop();
    await withRedis.stop();
    await removeKeys(redisUrl, prefix);
  }
}
