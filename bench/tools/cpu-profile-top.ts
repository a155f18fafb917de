/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`, e.g. `BENCH_CPU_PROF=1 npm run bench`):
 *   node dist/bench/tools/cpu-profile-top.js bench/results/<file>.cpuprofile [count] [--from <s>] [--to <s>]
 * (--from/--to: only the samples of that window, in seconds from the start: leave out start-up.)
 * Self time per function, and total time per package or source file, so the cost centres of the
 * gateway under load can be read without a browser.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 6);
  return url.replace(/^file:\/\//, '') || '(native)';
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string): number | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const [file, countArg] = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!file) throw new Error('usage: cpu-profile-top <file.cpuprofile> [count] [--from <s>] [--to <s>]');
  const count = Number(countArg ?? 30);
  const fromUs = (option('--from') ?? 0) * 1e6;
  const toUs = (option('--to') ?? Number.POSITIVE_INFINITY) * 1e6;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) return;
    total += delta;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const name = `${frame.functionName || '(anonymous)'}  ${where(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const place = where(frame.url);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = (byId.get(cur) as ProfileNode).callFrame;
      if (!frame.url) continue;
      const name = `${frame.functionName || '(anonymous)'}  ${where(frame.url)}:${frame.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const top = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(
    `profile: ${(total / 1e6).toFixed(1)} s of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s\n\nself time by function:`,
  );
  for (const [name, us] of top(byFunction)) console.log(`${pct(us)}  ${name}`);
  console.log('\ninclusive time by function (JavaScript frames):');
  for (const [name, us] of top(inclusive)) console.log(`${pct(us)}  ${name}`);
  console.log('\nself time by package / file:');
  for (const [name, us] of top(byPlace)) console.log(`${pct(us)}  ${name}`);
}

main();
