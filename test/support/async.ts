/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The error a function throws; fails the test when it returns. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the function to throw, but it returned');
}

/**
 * Waits until `probe` returns a value (not undefined), giving the event loop a turn between tries.
 * For things that happen just after a response (the request log is written on the socket's
 * `finish`), never to measure time.
 */
export async function eventually<T>(probe: () => T | undefined, what: string, maxTurns = 200): Promise<T> {
  for (let i = 0; i < maxTurns; i += 1) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * The events of a batched stream (LlmGateway.stream, a turn's events) one by one, in order; an
 * empty batch fails the test, as the ports promise none.
 */
export async function* eachEvent<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const batch of batches) {
    if (batch.length === 0) throw new Error('a stream yielded an empty batch');
    yield* batch;
  }
}
