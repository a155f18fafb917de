import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident set size of a process, in KiB (`/proc/<pid>/status` VmRSS, else `ps`). */
export function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // no procfs (macOS): ask ps
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

/** CPU time (user + system) of a process, in seconds; NaN without procfs. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The soft limit on open files of this process (what the load generator may open). */
export function openFileLimit(): number {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (match) return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  } catch {
    // not Linux
  }
  return Number.NaN;
}

/** Samples the RSS of a process while a scenario runs, with a caller-provided figure beside each sample. */
export class RssSampler {
  readonly samples: { rssKb: number; open: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly openNow: () => number,
    private readonly everyMs = 20,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  get peak(): { rssKb: number; open: number } {
    return this.samples.reduce((best, s) => (s.rssKb > best.rssKb ? s : best), { rssKb: 0, open: 0 });
  }

  private sample(): void {
    this.samples.push({ rssKb: rssKb(this.pid), open: this.openNow() });
  }
}

/** CPU use of some processes over an interval, as a share of one core. */
export class CpuMeter {
  private readonly start: number[];
  private readonly startedAt = process.hrtime.bigint();

  constructor(private readonly pids: number[]) {
    this.start = pids.map(cpuSeconds);
  }

  /** Share of one core used by each process since construction (1 = one core busy). */
  read(): number[] {
    const elapsed = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    return this.pids.map((pid, i) => (cpuSeconds(pid) - (this.start[i] as number)) / elapsed);
  }
}
