import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';

/**
 * Calls between the bench and its helper processes (fakes, references, load generators) over the
 * IPC channel of `fork`: the helpers get their own event loop and CPU, so neither side's work
 * shows up in the other's timings.
 */
interface Call {
  id: number;
  method: string;
  args: unknown[];
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

type Handlers = Record<string, (...args: never[]) => unknown>;

/** In a helper: answers calls, then tells the parent it is ready (with what it wants to say). */
export function serveRpc(handlers: Handlers, ready: unknown): void {
  process.on('message', (message: Call) => {
    const handler = handlers[message.method] as ((...args: unknown[]) => unknown) | undefined;
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method ${message.method}`);
        return handler(...message.args);
      })
      .then(
        (result) => process.send?.({ id: message.id, result } satisfies Reply),
        (err: unknown) => process.send?.({ id: message.id, error: (err as Error).message ?? String(err) } satisfies Reply),
      );
  });
  // The parent going away ends the helper: no orphan keeps a port or a CPU.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready });
}

export class RpcChild<R = unknown> {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly child: ChildProcess,
    readonly info: R,
  ) {
    child.on('message', (message: Reply) => {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) call.reject(new Error(message.error));
      else call.resolve(message.result);
    });
    child.on('exit', (code) => {
      for (const call of this.pending.values()) call.reject(new Error(`helper exited (${code}) during a call`));
      this.pending.clear();
    });
  }

  static start<R>(modulePath: string, args: string[] = [], options: ForkOptions = {}): Promise<RpcChild<R>> {
    const child = fork(modulePath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...options });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${modulePath} exited (${code}) before it was ready`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.once('message', (message: { ready?: R }) => {
        child.off('exit', onExit);
        resolve(new RpcChild<R>(child, message.ready as R));
      });
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.next;
    this.next += 1;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, method, args } satisfies Call);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    // Disconnecting lets the helper exit by itself (so `--cpu-prof` writes its profile); SIGTERM
    // after a grace period for one that does not.
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGTERM'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
