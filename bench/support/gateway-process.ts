import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { sleep } from './clock';

export interface GatewayOptions {
  /** Root of the project (where `dist/src/main.js` is). */
  root: string;
  /** Settings of the gateway, on top of a minimal environment (nothing else leaks in from the shell). */
  settings: Record<string, string>;
  /** Where the gateway's log lines go. */
  logFile: string;
  /** Write a V8 CPU profile of the whole run into this directory. */
  cpuProfileDir?: string;
  /** Write a heap snapshot into this directory on SIGUSR2 (see `heapSnapshot()`). */
  heapSnapshotDir?: string;
  /** A command the gateway runs under (e.g. valgrind and its options); `node` and its arguments follow it. */
  wrapper?: string[];
  /** How long to wait for `/health/live` at start-up (default 20 s; far longer under valgrind). */
  startupSeconds?: number;
}

export interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  /** Asks for a heap snapshot; false when not started with `heapSnapshotDir`. */
  heapSnapshot(): boolean;
  stop(): Promise<void>;
}

/** A free port on 127.0.0.1 (the gateway is told its port; it prints it only into its log). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
}

/** The gateway's production build in a child process: `NODE_ENV=production node dist/src/main.js`. */
export async function startGateway(options: GatewayOptions): Promise<GatewayProcess> {
  const port = await freePort();
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'w');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...options.settings,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
  };
  const args = [
    ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : []),
    ...(options.heapSnapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${options.heapSnapshotDir}`] : []),
    path.join(options.root, 'dist/src/main.js'),
  ];
  const [command, ...prefix] = options.wrapper ?? [process.execPath];
  const child = spawn(command as string, options.wrapper ? [...prefix, process.execPath, ...args] : args, {
    cwd: options.root,
    env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const baseUrl = `http://127.0.0.1:${port}`;
  const attempts = (options.startupSeconds ?? 20) * 10;
  for (let i = 0; i < attempts; i += 1) {
    if (exited !== undefined) throw new Error(`the gateway exited with ${exited} at start-up: see ${options.logFile}`);
    if ((await get(`${baseUrl}/health/live`)) === 200) break;
    if (i === attempts - 1) throw new Error(`the gateway did not answer /health/live within ${attempts / 10} s: see ${options.logFile}`);
    await sleep(100);
  }
  return {
    child,
    pid: child.pid as number,
    baseUrl,
    heapSnapshot() {
      if (!options.heapSnapshotDir || exited !== undefined) return false;
      child.kill('SIGUSR2');
      return true;
    },
    async stop() {
      if (exited !== undefined) return;
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // SIGTERM: the gateway drains and exits by itself, which is also when --cpu-prof writes.
      child.kill('SIGTERM');
      await done;
    },
  };
}
