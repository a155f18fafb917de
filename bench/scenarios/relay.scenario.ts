import path from 'node:path';
import { streamChat, type StreamRequest } from '../load/sse-client';
import { RpcChild } from '../support/child-rpc';
import { nowUs } from '../support/clock';
import { CpuMeter } from '../support/proc';
import { figure, type Figure } from '../support/report';
import { round } from '../support/stats';
import { collectRecords, configureStreams, directChat, gatewayChat, referenceChat, type BenchContext } from './bench-context';

const SCENARIO = '3. relay throughput';
const STREAMS = 50;
const TOKENS = 2000;

interface Throughput {
  tokensPerSecond: number;
  /** CPU time of the relaying process per token received by the clients. */
  serverCpuUsPerToken: number;
  bytesPerSecond: number;
  streams: number;
  failed: number;
  cpu: { server: number; fake_litellm: number; fake_platform: number; client: number };
}

/** `STREAMS` clients, each streaming one chat after another for `seconds`. */
async function run(
  ctx: BenchContext,
  serverPid: number,
  seconds: number,
  makeRequest: (worker: number, i: number) => StreamRequest,
): Promise<Throughput> {
  const cpu = new CpuMeter([serverPid, ...ctx.fakes.pids, process.pid]);
  const started = nowUs();
  const deadline = started + seconds * 1e6;
  let tokens = 0;
  let bytes = 0;
  let streams = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: STREAMS }, async (_, worker) => {
      for (let i = 0; nowUs() < deadline; i += 1) {
        const r = await streamChat(ctx.agent, makeRequest(worker, i));
        tokens += r.tokens;
        bytes += r.bytes;
        streams += 1;
        if (!r.ok || r.tokens !== TOKENS) failed += 1;
      }
    }),
  );
  const elapsed = (nowUs() - started) / 1e6;
  const [server, llm, platform, client] = cpu.read();
  return {
    tokensPerSecond: tokens / elapsed,
    serverCpuUsPerToken: round(((server ?? Number.NaN) * elapsed * 1e6) / Math.max(1, tokens)),
    bytesPerSecond: bytes / elapsed,
    streams,
    failed,
    cpu: {
      server: round(server ?? Number.NaN),
      fake_litellm: round(llm ?? Number.NaN),
      fake_platform: round(platform ?? Number.NaN),
      client: round(client ?? Number.NaN),
    },
  };
}

/**
 * 50 concurrent streams with no token spacing: text deltas per second relayed by the gateway, by a
 * bare `node:http` proxy that pipes the fake LiteLLM's bytes through untouched (the ceiling, and the
 * issue's reference), and by the bare orchestrator, which parses each upstream event and writes its
 * own chunk as the gateway must (the floor of any relay that reads what it relays).
 */
export async function relayScenario(ctx: BenchContext, seconds = 6, warmupSeconds = 1): Promise<{ figures: Figure[]; detail: unknown }> {
  await configureStreams(ctx, { firstTokenDelayMs: 0, tokens: TOKENS, tokenSpacingMs: 0 });
  const proxy = await RpcChild.start<{ url: string }>(path.join(__dirname, '../reference/reference-main.js'), [
    'passthrough',
    ctx.fakes.info.litellm,
  ]);
  try {
    const bare = (tag: string) => (w: number, i: number) => directChat(ctx, `s3-${tag}-${w}-${i}`, proxy.info.url);
    const gateway = (tag: string) => (w: number, i: number) => gatewayChat(ctx, ctx.users[w % ctx.users.length]!, `s3-${tag}-${w}-${i}`);
    const orchestrator = (tag: string) => (w: number, i: number) =>
      referenceChat(ctx, ctx.users[w % ctx.users.length]!, `s3-${tag}-${w}-${i}`);

    ctx.progress(`${SCENARIO}: bare pass-through, ${STREAMS} streams of ${TOKENS} tokens for ${seconds} s`);
    await run(ctx, proxy.pid, warmupSeconds, bare('warm-bare'));
    const reference = await run(ctx, proxy.pid, seconds, bare('bare'));
    ctx.progress(`${SCENARIO}: bare orchestrator, ${STREAMS} streams of ${TOKENS} tokens for ${seconds} s`);
    await run(ctx, ctx.reference.pid, warmupSeconds, orchestrator('warm-orchestrator'));
    const parsing = await run(ctx, ctx.reference.pid, seconds, orchestrator('orchestrator'));
    ctx.progress(`${SCENARIO}: gateway, ${STREAMS} streams of ${TOKENS} tokens for ${seconds} s`);
    await run(ctx, ctx.gateway.pid, warmupSeconds, gateway('warm-gateway'));
    const measured = await run(ctx, ctx.gateway.pid, seconds, gateway('gateway'));
    await collectRecords(ctx);

    const figures = [
      figure(SCENARIO, 'tokens relayed per second', 'tok/s', measured.tokensPerSecond, {
        reference: { name: 'bare pass-through', value: reference.tokensPerSecond },
        target: { text: '>= 50% of bare', met: measured.tokensPerSecond >= 0.5 * reference.tokensPerSecond },
      }),
      figure(SCENARIO, 'tokens relayed per second, against a relay that parses', 'tok/s', measured.tokensPerSecond, {
        reference: { name: 'bare orchestrator', value: parsing.tokensPerSecond },
      }),
      figure(SCENARIO, 'CPU per relayed token', 'us', measured.serverCpuUsPerToken, {
        reference: { name: 'bare pass-through', value: reference.serverCpuUsPerToken },
      }),
      figure(SCENARIO, 'CPU per relayed token, against a relay that parses', 'us', measured.serverCpuUsPerToken, {
        reference: { name: 'bare orchestrator', value: parsing.serverCpuUsPerToken },
      }),
      figure(SCENARIO, 'client bytes per second', 'MB/s', measured.bytesPerSecond / 1e6, {
        reference: { name: 'bare pass-through', value: reference.bytesPerSecond / 1e6 },
      }),
      figure(SCENARIO, 'failed streams', '', measured.failed, { reference: { name: 'bare pass-through', value: reference.failed } }),
    ];
    return {
      figures,
      detail: {
        concurrent_streams: STREAMS,
        stream: { tokens: TOKENS, first_token_delay_ms: 0, token_spacing_ms: 0 },
        seconds,
        gateway: measured,
        bare_passthrough: reference,
        bare_orchestrator: parsing,
        method:
          'Each of the concurrent clients streams one chat after another for the duration; tokens = text events received by the clients. ' +
          'The gateway and the bare orchestrator parse every upstream event and write their own chunk; the pass-through forwards bytes. cpu = share of one core.',
      },
    };
  } finally {
    await proxy.stop();
  }
}
