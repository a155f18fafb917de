/* global process, console */
/**
 * Compiles a TypeScript project only when one of its inputs changed since its last good build, so
 * `npm start` and `npm run token` cost a few milliseconds, not a whole `tsc` run (about 10 s even
 * with nothing to do), when nothing changed. Plain JavaScript: it must run before anything is built.
 *
 *   node scripts/build-if-stale.mjs [tsconfig.json]
 *
 * Stale means: no stamp yet, or a file or folder under the project's `include`, a tsconfig, the
 * package files or the installed modules is newer than the stamp. The stamp carries the time the
 * good build STARTED, so an edit made while `tsc` runs still counts as a change next time. `tsc`
 * itself is incremental (tsBuildInfo), so a stale build recompiles what changed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const project = process.argv[2] ?? 'tsconfig.json';

/** The project's own tsconfig and what it extends, with the `include` that applies. */
function readProject(file) {
  const config = JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
  const parent = config.extends ? readProject(config.extends) : { files: [], include: [] };
  return { files: [...parent.files, file], include: config.include ?? parent.include };
}

/** The newest modification time under `entry` (folders count: a deleted file changes its folder). */
function newest(entry) {
  let stat;
  try {
    stat = statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    latest = Math.max(latest, newest(path.join(entry, name)));
  }
  return latest;
}

const { files, include } = readProject(project);
const stamp = path.join(ROOT, 'dist', `.built-${path.basename(project, '.json')}`);
const inputs = [...files, ...include, 'package.json', 'package-lock.json', 'node_modules/.package-lock.json'];
const latestInput = Math.max(...inputs.map((input) => newest(path.join(ROOT, input))));
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;

if (built > 0 && latestInput <= built) process.exit(0);

const started = new Date();
const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
console.error(`building (${project}): ${built === 0 ? 'first build' : 'sources changed'}`);
const run = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, project)], { cwd: ROOT, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
mkdirSync(path.dirname(stamp), { recursive: true });
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
