/**
 * What fills a V8 heap snapshot (e.g. `BENCH_HEAP_SNAPSHOT=1 npm run bench` takes one of the idle
 * gateway and one while half of the 1,000 streams are open): objects counted and their own sizes
 * summed by constructor or type, optionally minus a baseline snapshot and divided by a count.
 *   node dist/bench/tools/heap-snapshot-summary.js <file.heapsnapshot> [--base <idle.heapsnapshot>] [--count 40] [--per 500]
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

type Groups = Map<string, { count: number; bytes: number }>;

function summarize(file: string): Groups {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups: Groups = new Map([['(total)', { count: 0, bytes: 0 }]]);
  const total = groups.get('(total)') as { count: number; bytes: number };
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] as number] as string;
    const size = snap.nodes[i + sizeAt] as number;
    total.count += 1;
    total.bytes += size;
    const key = type === 'object' || type === 'closure' ? `${type}: ${snap.strings[snap.nodes[i + nameAt] as number]}` : type;
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count += 1;
    g.bytes += size;
    groups.set(key, g);
  }
  return groups;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args[0];
  if (!file || file.startsWith('--')) throw new Error('usage: heap-snapshot-summary <file> [--base <file>] [--count 40] [--per N]');
  const count = Number(option(args, '--count') ?? 40);
  const divisor = Number(option(args, '--per') ?? 0);
  const base = option(args, '--base');
  const groups = summarize(file);
  if (base) {
    for (const [key, g] of summarize(base)) {
      const cur = groups.get(key) ?? { count: 0, bytes: 0 };
      groups.set(key, { count: cur.count - g.count, bytes: cur.bytes - g.bytes });
    }
  }
  const total = (groups.get('(total)') as { bytes: number }).bytes;
  const mb = (b: number) => (b / 2 ** 20).toFixed(2).padStart(8);
  const per = (b: number) => (divisor > 0 ? `${(b / divisor / 1024).toFixed(2).padStart(8)} KB/each` : '');
  console.log(`total self size ${mb(total)} MB ${per(total)}\n`);
  for (const [key, g] of [...groups.entries()].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, count)) {
    console.log(`${mb(g.bytes)} MB ${per(g.bytes)} ${String(g.count).padStart(9)}  ${key}`);
  }
}

main();
