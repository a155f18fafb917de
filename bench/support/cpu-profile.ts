import { readFileSync } from 'node:fs';

/**
 * Reads a V8 CPU profile (`node --cpu-prof`) into shares of busy time: self time per function,
 * inclusive time per JavaScript function, self time per package (or source file of the project).
 * Used by the bench's profile phase (the summary goes into the results) and by
 * `bench/tools/cpu-profile-top.ts` (a terminal view of any profile).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (the same as `process.hrtime`). */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  /** Percent of the busy time of the window (idle samples left out). */
  percent: number;
}

export interface ProfileSummary {
  /** Seconds of samples in the window, and of those, busy (not idle). */
  window_seconds: number;
  busy_seconds: number;
  by_package: Share[];
  by_function_self: Share[];
  by_function_inclusive: Share[];
}

/** Frames that are not work of the process: the event loop waiting. */
const IDLE = new Set(['(idle)']);

/** `axios`, `@koa/router`, `src/adapters/http/upstream-client.js`, `node:internal/...`, `(garbage collector)`. */
export function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 6);
  return url.replace(/^file:\/\//, '');
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** The busy time of the samples between `fromUs` and `toUs` (monotonic clock), top `count` of each view. */
export function summarizeProfile(profile: CpuProfile, count = 20, fromUs = -Infinity, toUs = Infinity): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  let window = 0;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) return;
    window += delta;
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (IDLE.has(frame.functionName)) return;
    busy += delta;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  const label = (frame: ProfileNode['callFrame']) =>
    `${frame.functionName || '(anonymous)'} ${placeOf(frame.url, frame.functionName)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
  const bySelf = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    add(bySelf, label(frame), us);
    add(byPlace, placeOf(frame.url, frame.functionName), us);
    // Inclusive: each sample counts once for every distinct JavaScript function on its stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = (byId.get(cur) as ProfileNode).callFrame;
      if (!f.url) continue;
      const name = label(f);
      if (seen.has(name)) continue;
      seen.add(name);
      add(inclusive, name, us);
    }
  }
  const top = (m: Map<string, number>): Share[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => ({ name, percent: Math.round((1000 * us) / Math.max(1, busy)) / 10 }));
  return {
    window_seconds: Math.round(window / 1e4) / 100,
    busy_seconds: Math.round(busy / 1e4) / 100,
    by_package: top(byPlace),
    by_function_self: top(bySelf),
    by_function_inclusive: top(inclusive),
  };
}
