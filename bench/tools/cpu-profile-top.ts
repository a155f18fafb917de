/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`, e.g. `BENCH_CPU_PROF=1 npm run bench`):
 *   node dist/bench/tools/cpu-profile-top.js bench/results/<file>.cpuprofile [count] [--from <s>] [--to <s>]
 * (--from/--to: only the samples of that window, in seconds from the start: leave out start-up.)
 * Shares of busy time (idle left out): self time per function, inclusive time per JavaScript
 * function, self time per package or source file.
 */
import { readProfile, summarizeProfile, type Share } from '../support/cpu-profile';

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string): number | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const [file, countArg] = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!file) throw new Error('usage: cpu-profile-top <file.cpuprofile> [count] [--from <s>] [--to <s>]');
  const profile = readProfile(file);
  const from = profile.startTime + (option('--from') ?? 0) * 1e6;
  const to = profile.startTime + (option('--to') ?? Number.POSITIVE_INFINITY) * 1e6;
  const summary = summarizeProfile(profile, Number(countArg ?? 30), from, to);
  const show = (title: string, rows: Share[]) => {
    console.log(`\n${title}:`);
    for (const r of rows) console.log(`${r.percent.toFixed(1).padStart(5)}%  ${r.name}`);
  };
  console.log(`profile: ${summary.busy_seconds} s busy of ${summary.window_seconds} s`);
  show('self time by function', summary.by_function_self);
  show('inclusive time by function (JavaScript frames)', summary.by_function_inclusive);
  show('self time by package / file', summary.by_package);
}

main();
