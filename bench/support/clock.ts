/**
 * Microseconds on CLOCK_MONOTONIC. `process.hrtime` reads the same clock in every process of the
 * machine, so timestamps taken by the fakes, the load generator and the references compare directly.
 */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
