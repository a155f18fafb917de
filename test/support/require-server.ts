import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { connectTestRedis, TEST_REDIS_URL } from './test-redis';

/**
 * Suites that need a server (or a server binary) outside Node. `npm test` must pass on a machine
 * with only Node, so such a suite runs whenever its server answers and is otherwise reported as
 * NOT RUN, loudly, at the end of the run. With the kind's REQUIRE_* variable set (CI) a missing
 * server fails the suite instead: it is never skipped there.
 */
export type ServerKind = 'redis' | 'redis-server' | 'postgres';

interface Requirement {
  /** What the suites need, as the summary line says it. */
  readonly needs: () => string;
  /** The variable that turns "not run" into a failure. */
  readonly requireVariable: string;
  /** The one command that runs the suites once the server is there. */
  readonly command: string;
  /** Resolves to undefined when the server answers, else to why not. */
  readonly probe: () => Promise<string | undefined>;
}

const PROBE_TIMEOUT_MS = 2000;

/** The PostgreSQL server of the tests (a maintenance database on it): TEST_DATABASE_URL or the local default. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function redisAnswers(): Promise<string | undefined> {
  try {
    (await connectTestRedis()).disconnect();
    return undefined;
  } catch (err) {
    return (err as { reason?: string }).reason ?? (err as Error).message;
  }
}

function redisServerBinary(): Promise<string | undefined> {
  const run = spawnSync('redis-server', ['--version'], { stdio: 'ignore', timeout: PROBE_TIMEOUT_MS });
  if (run.error) return Promise.resolve(run.error.message);
  return Promise.resolve(run.status === 0 ? undefined : `redis-server --version exited with ${run.status}`);
}

/** A PostgreSQL server answers an SSLRequest with one byte, 'S' or 'N'. */
function postgresAnswers(): Promise<string | undefined> {
  const url = new URL(TEST_DATABASE_URL);
  return new Promise((resolve) => {
    const socket = net.connect(Number(url.port || 5432), url.hostname || '127.0.0.1');
    const done = (reason: string | undefined): void => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done('no answer in time'));
    socket.once('error', (err) => done(err.message));
    socket.once('connect', () => {
      const request = Buffer.alloc(8);
      request.writeInt32BE(8, 0);
      request.writeInt32BE(80877103, 4);
      socket.write(request);
    });
    socket.once('data', (data) => done(data[0] === 0x53 || data[0] === 0x4e ? undefined : 'not a PostgreSQL server'));
  });
}

const REQUIREMENTS: Record<ServerKind, Requirement> = {
  redis: {
    needs: () => `a Redis at ${TEST_REDIS_URL} (TEST_REDIS_URL)`,
    requireVariable: 'REQUIRE_REDIS',
    command: 'REQUIRE_REDIS=1 npm test',
    probe: redisAnswers,
  },
  'redis-server': {
    needs: () => 'the redis-server binary on PATH (they start and kill their own)',
    requireVariable: 'REQUIRE_REDIS',
    command: 'REQUIRE_REDIS=1 npm test',
    probe: redisServerBinary,
  },
  postgres: {
    needs: () => `a PostgreSQL at ${new URL(TEST_DATABASE_URL).host} (TEST_DATABASE_URL)`,
    requireVariable: 'REQUIRE_POSTGRES',
    command: 'REQUIRE_POSTGRES=1 npm test',
    probe: postgresAnswers,
  },
};

const probes = new Map<ServerKind, Promise<string | undefined>>();
const notRun = new Map<ServerKind, { reason: string; suites: Set<string> }>();

function probeOnce(kind: ServerKind): Promise<string | undefined> {
  let probe = probes.get(kind);
  if (!probe) {
    probe = REQUIREMENTS[kind].probe();
    probes.set(kind, probe);
  }
  return probe;
}

function required(kind: ServerKind): boolean {
  const value = process.env[REQUIREMENTS[kind].requireVariable];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/**
 * Call first thing inside a `describe`: the suite (nested ones included) runs when the server
 * answers; otherwise it fails when the kind's REQUIRE_* variable is set, and is registered as not
 * run (its tests pending) when it is not.
 */
export function requireServer(kind: ServerKind): void {
  before(async function requireServerHook(this: Mocha.Context) {
    const reason = await probeOnce(kind);
    if (reason === undefined) return;
    const requirement = REQUIREMENTS[kind];
    if (required(kind)) {
      throw new Error(`${requirement.requireVariable} is set and this suite needs ${requirement.needs()}: ${reason}`);
    }
    const entry = notRun.get(kind) ?? { reason, suites: new Set<string>() };
    entry.suites.add(this.test?.parent?.fullTitle() ?? 'a suite');
    notRun.set(kind, entry);
    this.skip();
  });
}

/** One loud line per missing server, naming the suites not run and the command that runs them. */
export function notRunSummary(): string[] {
  return [...notRun.entries()].map(([kind, { reason, suites }]) => {
    const requirement = REQUIREMENTS[kind];
    const names = [...suites].map((s) => `"${s}"`).join(', ');
    return (
      `!!! NOT RUN: ${suites.size} suite(s) need ${requirement.needs()}, which did not answer (${reason}): ${names}. ` +
      `Run them with the server there: ${requirement.command}`
    );
  });
}
