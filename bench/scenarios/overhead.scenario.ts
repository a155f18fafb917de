import { streamChat } from '../load/sse-client';
import { CpuMeter } from '../support/proc';
import { figure, type Figure } from '../support/report';
import { round, summarize } from '../support/stats';
import {
  byRequestId,
  callsPerRequest,
  clientHopMs,
  collectRecords,
  configureStreams,
  defined,
  directChat,
  gatewayChat,
  referenceChat,
  splitTtft,
  ttftMs,
  type BenchContext,
  WARMUP_CHATS,
} from './bench-context';

const SCENARIO = '1. overhead';

/**
 * One client, sequential streamed chats, each paired with the same chat through the bare
 * orchestrator and the same call made straight to the fake LiteLLM: what the gateway adds to the
 * time to first token and costs in CPU against a bare implementation of the same exchanges, and
 * where its time goes.
 */
export async function overheadScenario(
  ctx: BenchContext,
  chats = 500,
  warmup = WARMUP_CHATS,
): Promise<{ figures: Figure[]; detail: unknown }> {
  await configureStreams(ctx, { firstTokenDelayMs: 0, tokens: 16, tokenSpacingMs: 0 });
  const user = ctx.users[0]!;
  ctx.progress(`${SCENARIO}: warm-up (${warmup} pairs)`);
  for (let i = 0; i < warmup; i += 1) {
    await streamChat(ctx.agent, directChat(ctx, `s1-warm-d-${i}`));
    await streamChat(ctx.agent, referenceChat(ctx, user, `s1-warm-r-${i}`));
    await streamChat(ctx.agent, gatewayChat(ctx, user, `s1-warm-g-${i}`));
  }
  await collectRecords(ctx);

  const cpu = new CpuMeter([ctx.gateway.pid, ctx.reference.pid, ...ctx.fakes.pids, process.pid]);
  const cpuStart = Date.now();
  const pairs = [];
  for (let i = 0; i < chats; i += 1) {
    // Rotate which goes first, so none always meets a freshly idle machine.
    const run = {
      direct: () => streamChat(ctx.agent, directChat(ctx, `s1-direct-${i}`)),
      reference: () => streamChat(ctx.agent, referenceChat(ctx, user, `s1-reference-${i}`)),
      gateway: () => streamChat(ctx.agent, gatewayChat(ctx, user, `s1-gateway-${i}`)),
    };
    const order = (['direct', 'reference', 'gateway'] as const).map((_, k, all) => all[(i + k) % 3] as keyof typeof run);
    const got: Partial<Record<keyof typeof run, Awaited<ReturnType<typeof streamChat>>>> = {};
    for (const which of order) got[which] = await run[which]();
    pairs.push(got as Required<typeof got>);
    if ((i + 1) % 100 === 0) ctx.progress(`${SCENARIO}: ${i + 1}/${chats} chats`);
  }
  const cpuShares = cpu.read();
  const cpuMsPerChat = cpuShares.map((share) => round((share * (Date.now() - cpuStart)) / chats));
  const records = byRequestId(await collectRecords(ctx));

  const failures = pairs.filter((p) => !p.gateway.ok || !p.direct.ok).length;
  const referenceFailures = pairs.filter((p) => !p.reference.ok).length;
  const direct = summarize(defined(pairs.map((p) => ttftMs(p.direct))));
  const reference = summarize(defined(pairs.map((p) => ttftMs(p.reference))));
  const gateway = summarize(defined(pairs.map((p) => ttftMs(p.gateway))));
  const added = summarize(
    defined(
      pairs.map((p) => {
        const g = ttftMs(p.gateway);
        const d = ttftMs(p.direct);
        return g === undefined || d === undefined ? undefined : g - d;
      }),
    ),
  );
  const splits = pairs.map((p) => ({
    split: splitTtft(p.gateway, records.get(p.gateway.requestId)),
    hop: clientHopMs(p.direct, records.get(p.direct.requestId)),
  }));
  const complete = splits.filter((s) => s.split !== undefined && s.hop !== undefined) as {
    split: NonNullable<(typeof splits)[number]['split']>;
    hop: number;
  }[];
  const upstream = summarize(complete.map((s) => s.split.upstreamMs));
  // The gateway's own part: what is neither an upstream's service time nor the hop a direct call also makes.
  const internal = summarize(complete.map((s) => s.split.gatewaySideMs - s.hop));
  const stage = (pick: (s: (typeof complete)[number]['split']) => number) => round(summarize(complete.map((s) => pick(s.split))).p50);
  const calls = summarize(complete.map((s) => s.split.upstreamCalls));

  const [gatewayCpu, referenceCpu] = cpuMsPerChat;
  const figures = [
    figure(SCENARIO, 'TTFT p50', 'ms', gateway.p50, {
      reference: { name: 'bare orchestrator', value: reference.p50 },
      target: { text: '<= bare orchestrator + 1 ms', met: gateway.p50 <= reference.p50 + 1 },
    }),
    figure(SCENARIO, 'TTFT p99', 'ms', gateway.p99, { reference: { name: 'bare orchestrator', value: reference.p99 } }),
    figure(SCENARIO, 'gateway CPU per chat', 'ms', gatewayCpu ?? Number.NaN, {
      reference: { name: 'bare orchestrator', value: referenceCpu ?? Number.NaN },
      target: { text: '<= 2x bare orchestrator', met: (gatewayCpu ?? Infinity) <= 2 * (referenceCpu ?? 0) },
    }),
    figure(SCENARIO, 'TTFT p50 (gateway vs direct to LiteLLM)', 'ms', gateway.p50, { reference: { name: 'direct', value: direct.p50 } }),
    figure(SCENARIO, 'added TTFT p50 (gateway - direct)', 'ms', added.p50),
    figure(SCENARIO, 'added TTFT p99 (gateway - direct)', 'ms', added.p99),
    figure(SCENARIO, 'of which upstream round trips p50 (profile, add-message, build-context)', 'ms', upstream.p50),
    figure(SCENARIO, 'of which upstream round trips p99', 'ms', upstream.p99),
    figure(SCENARIO, 'of which inside the gateway p50', 'ms', internal.p50),
    figure(SCENARIO, 'of which inside the gateway p99', 'ms', internal.p99),
    figure(SCENARIO, 'failed chats', '', failures, { reference: { name: 'bare orchestrator', value: referenceFailures } }),
  ];
  return {
    figures,
    detail: {
      chats,
      stream: { tokens: 16, first_token_delay_ms: 0, token_spacing_ms: 0 },
      failures,
      ttft_direct_ms: direct,
      ttft_reference_ms: reference,
      ttft_gateway_ms: gateway,
      added_ms: added,
      upstream_at_fakes_ms: upstream,
      gateway_internal_ms: internal,
      upstream_calls_before_first_token: calls,
      upstream_calls_per_chat: callsPerRequest(
        records,
        pairs.map((p) => p.gateway.requestId),
      ),
      gateway_side_p50_ms: {
        before_first_upstream_call: stage((s) => s.beforeUpstreamMs),
        between_upstream_calls: stage((s) => s.betweenCallsMs),
        relay_of_first_token: stage((s) => s.relayMs),
      },
      cpu_ms_per_round: {
        gateway: gatewayCpu,
        bare_orchestrator: referenceCpu,
        fake_litellm: cpuMsPerChat[2],
        fake_platform: cpuMsPerChat[3],
        client: cpuMsPerChat[4],
      },
      client_hop_of_direct_call_p50_ms: round(summarize(complete.map((s) => s.hop)).p50),
      method:
        'Timestamps on CLOCK_MONOTONIC in the client and the fakes. upstream = union of the fakes’ arrival..finish of the calls before the LiteLLM call; ' +
        'inside the gateway = gateway TTFT - upstream - fake LiteLLM service time - (direct TTFT - fake LiteLLM service time of the paired direct call). ' +
        'It includes the gateway’s loopback hops to its upstreams.',
    },
  };
}
