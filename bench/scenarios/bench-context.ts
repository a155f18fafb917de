import type http from 'node:http';
import type { CallRecord, StreamShape } from '../fakes/bench-upstreams';
import { BENCH_MODEL } from '../fakes/bench-upstreams';
import type { FakeUpstreamProcesses } from '../fakes/fake-upstream-processes';
import type { StreamRequest, StreamResult } from '../load/sse-client';
import type { RpcChild } from '../support/child-rpc';
import type { GatewayProcess } from '../support/gateway-process';
import { unionLength } from '../support/stats';
import type { BenchUser } from '../support/tokens';

/** What every scenario gets: the running processes, the users, the client's keep-alive agent. */
/**
 * Chats each process serves before scenarios 1 and 5 measure: enough for V8 to finish optimising
 * the hot code, which a long-running server has long done. The gateway is a far bigger program
 * than the bare orchestrator and takes far longer: with `--trace-opt`, TurboFan still compiled
 * about 0.8 ms per chat between chats 1,000 and 1,500 and 0.6 ms up to 2,000, then fell under
 * 0.1 ms after 3,500; callgrind put 31 % of the gateway's instructions in compile jobs after 1,200
 * (15 % for the orchestrator). 4,000 takes about 30 s; scenario 2 measures in the same state.
 */
export const WARMUP_CHATS = Number(process.env.BENCH_WARMUP ?? 4000);

export interface BenchContext {
  root: string;
  resultsDir: string;
  fakes: FakeUpstreamProcesses;
  gateway: GatewayProcess;
  /** The gateway's settings (the profile phase starts a second, profiled gateway with them). */
  gatewaySettings: Record<string, string>;
  /** The bare `node:http` orchestrator doing the same exchanges per chat (bench/reference/bare-orchestrator.ts). */
  reference: RpcChild<{ url: string }>;
  users: BenchUser[];
  agent: http.Agent;
  progress(message: string): void;
}

/** The key the fake LiteLLM is called with directly (the reference path). */
const DIRECT_KEY = 'sk-bench-direct';

export function configureStreams(ctx: BenchContext, shape: StreamShape): Promise<void> {
  return ctx.fakes.configure(shape);
}

export function collectRecords(ctx: BenchContext): Promise<CallRecord[]> {
  return ctx.fakes.collect();
}

/**
 * A chat through the gateway, in the previous gateway's body (a new conversation each time); with
 * `baseUrl`, the same chat sent to another server (the bare orchestrator).
 */
export function gatewayChat(ctx: BenchContext, user: BenchUser, requestId: string, baseUrl: string = ctx.gateway.baseUrl): StreamRequest {
  return {
    url: new URL('/v1/chat/completions', baseUrl),
    headers: { Authorization: `Bearer ${user.token}` },
    body: JSON.stringify({ message: 'Hello from the benchmark: say something.', model: BENCH_MODEL, stream: true }),
    requestId,
  };
}

/** The same chat through the bare orchestrator (the like-for-like reference of the chat path). */
export function referenceChat(ctx: BenchContext, user: BenchUser, requestId: string): StreamRequest {
  return gatewayChat(ctx, user, requestId, ctx.reference.info.url);
}

/** The same chat sent straight to the fake LiteLLM, with the body the gateway would send. */
export function directChat(ctx: BenchContext, requestId: string, baseUrl: string = ctx.fakes.info.litellm): StreamRequest {
  return {
    url: new URL('/chat/completions', baseUrl),
    headers: { Authorization: `Bearer ${DIRECT_KEY}` },
    body: JSON.stringify({
      model: BENCH_MODEL,
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Hello from the benchmark: say something.' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      user: 'bench',
    }),
    requestId,
  };
}

export function byRequestId(records: CallRecord[]): Map<string, CallRecord[]> {
  const map = new Map<string, CallRecord[]>();
  for (const r of records) {
    const list = map.get(r.requestId);
    if (list) list.push(r);
    else map.set(r.requestId, [r]);
  }
  return map;
}

/** Where the time to first token of one request went, in milliseconds. */
export interface TtftSplit {
  ttftMs: number;
  /** At the fake LiteLLM: request arrival to first token written. */
  llmMs: number;
  /** At the fakes: profile, add-message, build-context (overlapping calls counted once). */
  upstreamMs: number;
  /** Everything else: the gateway's own work and its extra loopback hops, plus the client's hop. */
  gatewaySideMs: number;
  /** Of gatewaySideMs: request in to first upstream call (auth, limits, validation, cache). */
  beforeUpstreamMs: number;
  /** Of gatewaySideMs: between the upstream calls, up to the LiteLLM call. */
  betweenCallsMs: number;
  /** Of gatewaySideMs: the first token from the fake to the client. */
  relayMs: number;
  upstreamCalls: number;
}

/** Splits a streamed request's time to first token using the fakes' records of that request id. */
export function splitTtft(result: StreamResult, records: CallRecord[] | undefined): TtftSplit | undefined {
  if (!result.ok || result.firstTokenUs === undefined || !records) return undefined;
  const llm = records.find((r) => r.upstream === 'litellm');
  if (!llm || llm.firstTokenUs === undefined) return undefined;
  const before = records.filter((r) => r.upstream !== 'litellm' && r.arrivalUs < llm.arrivalUs);
  const ttft = result.firstTokenUs - result.sentUs;
  const llmService = llm.firstTokenUs - llm.arrivalUs;
  const upstream = unionLength(before.map((r) => [r.arrivalUs, r.finishUs]));
  const firstCall = before.length > 0 ? Math.min(...before.map((r) => r.arrivalUs)) : llm.arrivalUs;
  return {
    ttftMs: ttft / 1000,
    llmMs: llmService / 1000,
    upstreamMs: upstream / 1000,
    gatewaySideMs: (ttft - llmService - upstream) / 1000,
    beforeUpstreamMs: (firstCall - result.sentUs) / 1000,
    betweenCallsMs: (llm.arrivalUs - firstCall - upstream) / 1000,
    relayMs: (result.firstTokenUs - llm.firstTokenUs) / 1000,
    upstreamCalls: before.length,
  };
}

/** The client's own share of a direct call: its time to first token minus the fake's service time. */
export function clientHopMs(result: StreamResult, records: CallRecord[] | undefined): number | undefined {
  const llm = records?.find((r) => r.upstream === 'litellm');
  if (!result.ok || result.firstTokenUs === undefined || !llm || llm.firstTokenUs === undefined) return undefined;
  return (result.firstTokenUs - result.sentUs - (llm.firstTokenUs - llm.arrivalUs)) / 1000;
}

export function ttftMs(result: StreamResult): number | undefined {
  return result.ok && result.firstTokenUs !== undefined ? (result.firstTokenUs - result.sentUs) / 1000 : undefined;
}

export function defined<T>(values: (T | undefined)[]): T[] {
  return values.filter((v): v is T => v !== undefined);
}

/** Upstream calls per request, by upstream and operation (averaged over the requests given). */
export function callsPerRequest(records: Map<string, CallRecord[]>, requestIds: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of requestIds) {
    for (const r of records.get(id) ?? []) {
      const key = `${r.upstream} ${r.operation}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Math.round((v / Math.max(1, requestIds.length)) * 100) / 100]));
}
