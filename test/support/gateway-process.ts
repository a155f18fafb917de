import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

const MAIN = path.resolve(__dirname, '../../src/main.js');

/** The real service in a child process, on an ephemeral port read from its `started` log line. */
export interface GatewayProcess {
  proc: ChildProcessWithoutNullStreams;
  url: string;
  exit: Promise<number | null>;
  /** Every log line (JSON) the process wrote so far. */
  logs: string[];
  /** SIGTERM, then the exit. */
  stop(): Promise<void>;
}

export async function startGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const proc = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
  });
  const logs: string[] = [];
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        logs.push(line);
        try {
          const record = JSON.parse(line) as { msg?: string; port?: number };
          if (record.msg === 'started') resolve(`http://127.0.0.1:${record.port}`);
        } catch {
          // Not a log record.
        }
      }
    });
    proc.once('exit', (code) => reject(new Error(`service exited early with ${code}: ${stderr.slice(0, 2000)}`)));
  });
  return {
    proc,
    url,
    exit,
    logs,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exit;
    },
  };
}
