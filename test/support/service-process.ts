import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MAIN = path.resolve(__dirname, '../../src/main.js');

export interface ServiceProcess {
  proc: ChildProcessWithoutNullStreams;
  url: string;
  exit: Promise<number | null>;
  /** Every JSON log line so far (stdout). */
  logs: string[];
}

/**
 * The environment every spawned service starts from: development, ephemeral port, loopback, and
 * an embedded database directory of its own (never the checkout's ./data, never shared).
 */
function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'acg-service-'));
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    ...env,
  };
}

/** The real service in a child process, on an ephemeral port read from its `started` log line. */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const proc = spawn(process.execPath, [MAIN], { env: baseEnv(env) });
  const logs: string[] = [];
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        logs.push(line);
        const record = JSON.parse(line) as { msg?: string; port?: number };
        if (record.msg === 'started') resolve(`http://127.0.0.1:${record.port}`);
      }
    });
    proc.once('exit', (code) => reject(new Error(`service exited early with ${code}`)));
  });
  return { proc, url, exit, logs };
}

/** Runs the service expecting it to refuse to start: its exit code and what it wrote to stderr. */
export async function refusedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [MAIN], { env: baseEnv(env) });
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  proc.stdout.resume();
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
  return { code, stderr };
}
