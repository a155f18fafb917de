import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { streamChat } from '../load/sse-client';
import { nowUs } from '../support/clock';
import { readProfile, summarizeProfile, type ProfileSummary } from '../support/cpu-profile';
import { startGateway } from '../support/gateway-process';
import { configureStreams, collectRecords, gatewayChat, WARMUP_CHATS, type BenchContext } from './bench-context';
import { holdStreams } from './concurrency.scenario';

const SCENARIO = '5. CPU profile';

/**
 * Where the gateway's CPU goes: a second gateway, started with `--cpu-prof` (so the profiler's own
 * cost stays out of the other scenarios), serves one client's sequential chats, then 100 streams
 * kept open; the summary (top packages and functions, as shares of busy time) of each window goes
 * into the results.
 */
export async function profileScenario(ctx: BenchContext, chats = 300): Promise<{ detail: Record<string, unknown> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'acg-bench-prof-'));
  const gateway = await startGateway({
    root: ctx.root,
    settings: ctx.gatewaySettings,
    logFile: path.join(ctx.resultsDir, 'gateway-profiled.log'),
    cpuProfileDir: dir,
  });
  try {
    const profiled = { ...ctx, gateway };
    const user = ctx.users[0]!;
    await configureStreams(ctx, { firstTokenDelayMs: 0, tokens: 16, tokenSpacingMs: 0 });
    for (let i = 0; i < WARMUP_CHATS; i += 1) await streamChat(ctx.agent, gatewayChat(profiled, user, `s5-warm-${i}`));
    ctx.progress(`${SCENARIO}: ${chats} sequential chats, then 100 open streams, through a gateway run with --cpu-prof`);
    const c1From = nowUs();
    for (let i = 0; i < chats; i += 1) await streamChat(ctx.agent, gatewayChat(profiled, user, `s5-c1-${i}`));
    const c1To = nowUs();
    await configureStreams(ctx, { firstTokenDelayMs: 0, tokens: 64, tokenSpacingMs: 10 });
    const c100From = nowUs();
    await holdStreams(profiled, 100, (c, i) => gatewayChat(profiled, ctx.users[c]!, `s5-c100-${c}-${i}`));
    const c100To = nowUs();
    await collectRecords(ctx);
    await gateway.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the profiled gateway wrote no .cpuprofile');
    const profile = readProfile(path.join(dir, file));
    // With BENCH_CPU_PROF the raw profile stays for a closer look (bench/tools/cpu-profile-top).
    if (process.env.BENCH_CPU_PROF) copyFileSync(path.join(dir, file), path.join(ctx.resultsDir, 'profile-scenario.cpuprofile'));
    const windows: Record<string, ProfileSummary> = {
      one_client_sequential_chats: summarizeProfile(profile, 15, c1From, c1To),
      streams_100_open: summarizeProfile(profile, 15, c100From, c100To),
    };
    for (const [name, summary] of Object.entries(windows)) {
      ctx.progress(
        `${SCENARIO}, ${name}: ${summary.by_package
          .slice(0, 6)
          .map((p) => `${p.name} ${p.percent}%`)
          .join(', ')}`,
      );
    }
    return {
      detail: {
        ...windows,
        method:
          'V8 CPU profile (node --cpu-prof) of a second gateway process with the same settings; shares of busy time (idle samples left out) ' +
          'within each window; by package = self time per npm package or project file (node:internal and native frames as themselves); ' +
          'inclusive = each sample counted once for every JavaScript function on its stack.',
      },
    };
  } finally {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
