import { OpenStreams, streamChat, warmSockets, type StreamRequest, type StreamResult } from '../load/sse-client';
import { nowUs, sleep } from '../support/clock';
import { CpuMeter, RssSampler, rssKb } from '../support/proc';
import { GatewayWatch } from '../support/prometheus';
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
} from './bench-context';

const SCENARIO = '2. concurrency';
const TOKENS = 64;
const SPACING_MS = 10;
/** How long each level keeps its streams open. */
const HOLD_SECONDS = 3;
/**
 * The same load, unmeasured, first: a server is measured once its code is compiled and its pools
 * and heap have grown to the load (steady state), as it runs for days, not in its first seconds.
 */
const WARMUP_SECONDS = 2;

function failed(results: StreamResult[]): StreamResult[] {
  return results.filter((r) => !r.ok || r.tokens !== TOKENS);
}

/**
 * Keeps N streams open: N clients (N users) each stream one chat after another for a few seconds,
 * their first starts spread over one stream's length, so chats arrive steadily rather than in one
 * burst and N requests are in flight all along. A new chat's time to first token is then what the
 * gateway adds at that load (queueing included when it cannot keep up), not the wait behind N
 * simultaneous arrivals.
 */
export async function holdStreams(
  ctx: BenchContext,
  n: number,
  request: (client: number, i: number) => StreamRequest,
  open?: OpenStreams,
  seconds: number = HOLD_SECONDS,
): Promise<StreamResult[]> {
  const results: StreamResult[] = [];
  const deadline = nowUs() + seconds * 1e6;
  await Promise.all(
    Array.from({ length: n }, async (_, client) => {
      await sleep((client * TOKENS * SPACING_MS) / n);
      for (let i = 0; nowUs() < deadline; i += 1) results.push(await streamChat(ctx.agent, request(client, i), open));
    }),
  );
  return results;
}

interface MeasuredRun {
  results: StreamResult[];
  elapsedMs: number;
  idleRssKb: number;
  peak: { rssKb: number; open: number };
  maxOpen: number;
  rssSamples: number;
  /** Share of one core of each pid given, over the run. */
  cpu: number[];
}

/** N streams held through one server (the first pid), its RSS sampled and the CPU of the pids measured. */
async function measuredRun(
  ctx: BenchContext,
  n: number,
  pids: number[],
  request: (client: number, i: number) => StreamRequest,
  onSample?: (openNow: number) => void,
): Promise<MeasuredRun> {
  const pid = pids[0] as number;
  const open = new OpenStreams();
  const idleRssKb = rssKb(pid);
  const sampler = new RssSampler(pid, () => {
    onSample?.(open.open);
    return open.open;
  });
  const cpu = new CpuMeter(pids);
  sampler.start();
  const started = Date.now();
  const results = await holdStreams(ctx, n, request, open);
  const elapsedMs = Date.now() - started;
  sampler.stop();
  return { results, elapsedMs, idleRssKb, peak: sampler.peak, maxOpen: open.max, rssSamples: sampler.samples.length, cpu: cpu.read() };
}

/**
 * N streams open at once, 64 tokens 10 ms apart: time to first token, completed chats per second,
 * CPU per chat, failures, the gateway's memory per open stream and its event-loop delay. The same
 * load through the bare orchestrator is the reference; the same load straight to the fake LiteLLM
 * gives the client's own hop (for the gateway-internal part of the time to first token).
 */
export async function concurrencyScenario(ctx: BenchContext, n: number): Promise<{ figures: Figure[]; detail: unknown }> {
  const label = `${SCENARIO} (${n} streams)`;
  await configureStreams(ctx, { firstTokenDelayMs: 0, tokens: TOKENS, tokenSpacingMs: SPACING_MS });
  await collectRecords(ctx);

  ctx.progress(`${label}: ${n} direct streams for ${HOLD_SECONDS} s (reference)`);
  await warmSockets(ctx.agent, new URL('/health/liveliness', ctx.fakes.info.litellm), n);
  const directStarted = Date.now();
  const direct = await holdStreams(ctx, n, (c, i) => directChat(ctx, `s2-${n}-direct-${c}-${i}`));
  const directElapsedMs = Date.now() - directStarted;
  const directRecords = byRequestId(await collectRecords(ctx));

  ctx.progress(
    `${label}: ${n} streams through the bare orchestrator for ${HOLD_SECONDS} s after ${WARMUP_SECONDS} s of warm-up (reference)`,
  );
  await warmSockets(ctx.agent, new URL('/health', ctx.reference.info.url), n);
  await holdStreams(
    ctx,
    n,
    (c, i) => referenceChat(ctx, ctx.users[c % ctx.users.length]!, `s2-${n}-warm-r-${c}-${i}`),
    undefined,
    WARMUP_SECONDS,
  );
  await collectRecords(ctx);
  const ref = await measuredRun(ctx, n, [ctx.reference.pid], (c, i) =>
    referenceChat(ctx, ctx.users[c % ctx.users.length]!, `s2-${n}-reference-${c}-${i}`),
  );
  const reference = ref.results;
  const refElapsedMs = ref.elapsedMs;
  const [referenceCpu] = ref.cpu;
  await collectRecords(ctx);
  const refPerStreamKb = (ref.peak.rssKb - ref.idleRssKb) / Math.max(1, ref.maxOpen);

  ctx.progress(`${label}: ${n} streams through the gateway for ${HOLD_SECONDS} s after ${WARMUP_SECONDS} s of warm-up`);
  await warmSockets(ctx.agent, new URL('/health/live', ctx.gateway.baseUrl), n);
  await holdStreams(
    ctx,
    n,
    (c, i) => gatewayChat(ctx, ctx.users[c % ctx.users.length]!, `s2-${n}-warm-g-${c}-${i}`),
    undefined,
    WARMUP_SECONDS,
  );
  await collectRecords(ctx);
  const watch = await GatewayWatch.start(ctx.gateway.baseUrl, ctx.gatewaySettings.METRICS_TOKEN);
  if (n === 1000 && ctx.gateway.heapSnapshot()) {
    ctx.progress(`${label}: heap snapshot of the idle gateway`);
    // Writing it stops the gateway for a while; a request answered means it is done.
    await warmSockets(ctx.agent, new URL('/health/live', ctx.gateway.baseUrl), 1);
  }
  let snapshotAtOpen: number | undefined;
  const run = await measuredRun(
    ctx,
    n,
    [ctx.gateway.pid, ...ctx.fakes.pids, process.pid],
    (c, i) => gatewayChat(ctx, ctx.users[c % ctx.users.length]!, `s2-${n}-gateway-${c}-${i}`),
    (openNow) => {
      // A heap snapshot (when asked for) once most streams are open.
      if (snapshotAtOpen === undefined && n === 1000 && openNow >= 0.5 * n && ctx.gateway.heapSnapshot()) {
        snapshotAtOpen = openNow;
        ctx.progress(`${label}: heap snapshot asked for at ${openNow} open streams`);
      }
    },
  );
  const { results, elapsedMs, idleRssKb, peak } = run;
  const [gatewayCpu, llmCpu, platformCpu, clientCpu] = run.cpu;
  const seen = await watch.stop();
  const eventLoop = { p99Ms: seen.lagP99Ms, maxMs: seen.lagMaxMs };
  const mb = (bytes: number | undefined) => round((bytes ?? Number.NaN) / 2 ** 20);
  const records = byRequestId(await collectRecords(ctx));

  const bad = failed(results);
  const refBad = failed(reference);
  const refTtft = summarize(defined(reference.map(ttftMs)));
  const refChatsPerSecond = ((reference.length - refBad.length) * 1000) / refElapsedMs;
  const refCpuMs = ((referenceCpu ?? Number.NaN) * refElapsedMs) / Math.max(1, reference.length);
  const chatsPerSecond = ((results.length - bad.length) * 1000) / elapsedMs;
  const cpuMs = ((gatewayCpu ?? Number.NaN) * elapsedMs) / Math.max(1, results.length);
  const directTtft = summarize(defined(direct.map(ttftMs)));
  const ttft = summarize(defined(results.map(ttftMs)));
  const hop = summarize(defined(direct.map((r) => clientHopMs(r, directRecords.get(r.requestId))))).p50;
  const splits = defined(results.map((r) => splitTtft(r, records.get(r.requestId))));
  const internal = summarize(splits.map((s) => s.gatewaySideMs - hop));
  const upstream = summarize(splits.map((s) => s.upstreamMs));
  const perStreamKb = (peak.rssKb - idleRssKb) / Math.max(1, run.maxOpen);
  const errors = [...new Set(bad.map((r) => r.error ?? `${r.tokens} tokens`))].slice(0, 5);

  const bare = (value: number) => ({ name: 'bare orchestrator', value });
  const figures: Figure[] = [
    figure(label, 'TTFT p50', 'ms', ttft.p50, { reference: bare(refTtft.p50) }),
    figure(label, 'TTFT p99', 'ms', ttft.p99, {
      reference: bare(refTtft.p99),
      ...(n === 500 ? { target: { text: '<= 2x bare orchestrator', met: ttft.p99 <= 2 * refTtft.p99 } } : {}),
    }),
    figure(label, 'TTFT p50 (direct to LiteLLM)', 'ms', directTtft.p50),
    figure(label, 'gateway-internal overhead p50', 'ms', internal.p50),
    figure(label, 'gateway-internal overhead p99', 'ms', internal.p99),
    figure(label, 'upstream round trips p50 (at the fakes)', 'ms', upstream.p50),
    figure(label, 'completed chats per second', 'chat/s', chatsPerSecond, {
      reference: bare(refChatsPerSecond),
      ...(n === 500 ? { target: { text: '>= 70% of bare orchestrator', met: chatsPerSecond >= 0.7 * refChatsPerSecond } } : {}),
    }),
    figure(label, 'gateway CPU per chat', 'ms', cpuMs, {
      reference: bare(refCpuMs),
      ...(n === 100 ? { target: { text: '<= 2x bare orchestrator', met: cpuMs <= 2 * refCpuMs } } : {}),
    }),
    figure(label, 'failed streams', '', bad.length, {
      reference: bare(refBad.length),
      ...(n >= 500 ? { target: { text: '0', met: bad.length === 0 } } : {}),
    }),
    figure(label, 'peak RSS', 'MB', peak.rssKb / 1024, { reference: { name: 'idle', value: idleRssKb / 1024 } }),
    figure(label, 'RSS per open stream', 'KB', perStreamKb, {
      reference: bare(refPerStreamKb),
      ...(n === 1000 ? { target: { text: '<= 64 KB', met: perStreamKb <= 64 } } : {}),
    }),
    figure(label, 'event-loop delay p99', 'ms', eventLoop.p99Ms),
  ];
  return {
    figures,
    detail: {
      streams: n,
      stream: { tokens: TOKENS, first_token_delay_ms: 0, token_spacing_ms: SPACING_MS },
      elapsed_ms: elapsedMs,
      chats: results.length,
      chats_direct: direct.length,
      chats_per_second_direct: round((direct.length * 1000) / directElapsedMs),
      chats_reference: reference.length,
      failed: bad.length,
      failed_direct: failed(direct).length,
      failed_reference: refBad.length,
      reference_first_errors: [...new Set(refBad.map((r) => r.error ?? `${r.tokens} tokens`))].slice(0, 5),
      ttft_reference_ms: refTtft,
      reference_peak_rss_kb: ref.peak.rssKb,
      first_errors: errors,
      ttft_ms: ttft,
      ttft_direct_ms: directTtft,
      gateway_internal_ms: internal,
      upstream_at_fakes_ms: upstream,
      client_hop_of_direct_call_p50_ms: round(hop),
      gateway_side_p50_ms: {
        before_first_upstream_call: round(summarize(splits.map((s) => s.beforeUpstreamMs)).p50),
        between_upstream_calls: round(summarize(splits.map((s) => s.betweenCallsMs)).p50),
        relay_of_first_token: round(summarize(splits.map((s) => s.relayMs)).p50),
      },
      upstream_calls_per_chat: callsPerRequest(
        records,
        results.map((r) => r.requestId),
      ),
      max_open_streams: run.maxOpen,
      rss_idle_kb: idleRssKb,
      rss_peak_kb: peak.rssKb,
      rss_samples: run.rssSamples,
      gateway_memory_idle_mb: {
        rss: mb(watch.idle?.rssBytes),
        heap_total: mb(watch.idle?.heapTotalBytes),
        heap_used: mb(watch.idle?.heapUsedBytes),
        external: mb(watch.idle?.externalBytes),
      },
      gateway_memory_at_peak_heap_mb: {
        rss: mb(seen.peakHeap?.rssBytes),
        heap_total: mb(seen.peakHeap?.heapTotalBytes),
        heap_used: mb(seen.peakHeap?.heapUsedBytes),
        external: mb(seen.peakHeap?.externalBytes),
      },
      rss_per_open_stream_kb: round(perStreamKb),
      event_loop_delay_ms: { p99: round(eventLoop.p99Ms), max: round(eventLoop.maxMs) },
      cpu_share_of_one_core: {
        gateway: round(gatewayCpu ?? Number.NaN),
        bare_orchestrator: round(referenceCpu ?? Number.NaN),
        fake_litellm: round(llmCpu ?? Number.NaN),
        fake_platform: round(platformCpu ?? Number.NaN),
        client: round(clientCpu ?? Number.NaN),
      },
      method:
        `Each of the N clients streams chats back to back for ${HOLD_SECONDS} s, first starts spread over one stream length. ` +
        'RSS per open stream = (peak RSS during the run - RSS just before it) / most requests in flight at once (client side). ' +
        'Event-loop delay p99 = the highest prom-client nodejs_eventloop_lag_p99_seconds of the 0.5 s windows of the run (each scrape resets it). ' +
        'Internal overhead = gateway TTFT - upstream time at the fakes - fake LiteLLM service time - p50 client hop of the direct run at the same concurrency.',
    },
  };
}
