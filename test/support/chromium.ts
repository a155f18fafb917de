import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);

/**
 * Debian's headless Chromium, or undefined. Without it a test skips LOUDLY (a warning line and a
 * pending test), unless REQUIRE_CHROMIUM=1 (CI), where a missing browser fails the test.
 */
export function chromiumOrSkip(test: Mocha.Context): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  if (process.env.REQUIRE_CHROMIUM === '1') throw new Error(`REQUIRE_CHROMIUM=1 but no Chromium at ${CANDIDATES.join(', ')}`);
  process.stderr.write(
    `\n  WARNING: Chromium not found (${CANDIDATES.join(', ')}): "${test.test?.title}" did NOT run. apt-get install -y chromium, or set REQUIRE_CHROMIUM=1 to fail instead.\n`,
  );
  test.skip();
  throw new Error('unreachable');
}

/** The DOM of `url` after load (scripts, if any were allowed to run, have run), from a fresh profile. */
export async function dumpDom(chromium: string, url: string): Promise<string> {
  const profile = await mkdtemp(path.join(tmpdir(), 'chromium-profile-'));
  try {
    const { stdout } = await promisify(execFile)(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=3000',
        '--dump-dom',
        url,
      ],
      { timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
