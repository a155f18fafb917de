import type { ServerResponse } from 'node:http';

/** Told when a subscriber failed: the failure is logged, never thrown out of the event. */
export type FailureReporter = (err: unknown, subscriber: string) => void;

interface Lifecycle {
  readonly subscribers: Set<() => void>;
  readonly names: WeakMap<() => void, string>;
  report: FailureReporter;
  ended: boolean;
}

const lifecycles = new WeakMap<ServerResponse, Lifecycle>();

/** Outside the app (a bare response in a unit test) a failure still surfaces, as a process warning. */
const warn: FailureReporter = (err, subscriber) =>
  process.emitWarning(`response lifecycle subscriber "${subscriber}" failed: ${(err as Error)?.message ?? String(err)}`);

function lifecycleOf(res: ServerResponse): Lifecycle {
  let lifecycle = lifecycles.get(res);
  if (!lifecycle) {
    // `closed` covers a response that was over before anyone subscribed: its `close` will not come again.
    const created: Lifecycle = { subscribers: new Set(), names: new WeakMap(), report: warn, ended: res.closed };
    lifecycle = created;
    lifecycles.set(res, created);
    // The one `close` listener of a response: Node emits it once the response is over, finished or
    // aborted, and everything else that must know subscribes here instead of adding its own.
    res.once('close', () => {
      created.ended = true;
      for (const subscriber of [...created.subscribers]) run(created, subscriber);
      created.subscribers.clear();
    });
  }
  return lifecycle;
}

function run(lifecycle: Lifecycle, subscriber: () => void): void {
  try {
    subscriber();
  } catch (err) {
    try {
      lifecycle.report(err, lifecycle.names.get(subscriber) ?? 'anonymous');
    } catch {
      // The reporter itself failed (a broken log stream): nothing is left to tell, and the process stays up.
    }
  }
}

/** Opens the lifecycle of a response (first thing per request) with where subscriber failures go. */
export function beginResponseLifecycle(res: ServerResponse, report: FailureReporter): void {
  lifecycleOf(res).report = report;
}

/**
 * Calls `subscriber` once when the response is over (finished, or the client went away); at once
 * if it is already over. A subscriber that throws is reported and the others still run. Returns
 * the unsubscribe function, for waits that end earlier (a `drain`).
 */
export function onResponseEnd(res: ServerResponse, name: string, subscriber: () => void): () => void {
  const lifecycle = lifecycleOf(res);
  if (lifecycle.ended) {
    lifecycle.names.set(subscriber, name);
    run(lifecycle, subscriber);
    return () => undefined;
  }
  // One entry per subscription, even when the same function subscribes twice.
  const entry = (): void => subscriber();
  lifecycle.names.set(entry, name);
  lifecycle.subscribers.add(entry);
  return () => lifecycle.subscribers.delete(entry);
}

/** Runs background work tied to a response (a timer's callback) with the lifecycle's failure reporting. */
export function guardedFor(res: ServerResponse, name: string, work: () => void): void {
  const lifecycle = lifecycleOf(res);
  lifecycle.names.set(work, name);
  run(lifecycle, work);
}
