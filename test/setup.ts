import 'reflect-metadata';

/**
 * A listener leak warning fails the run: one response must not collect a `close` listener per
 * middleware (they subscribe to its one lifecycle instead), and nothing else may pile up listeners.
 */
const leakWarnings: string[] = [];
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning') leakWarnings.push(warning.message);
});

export const mochaHooks = {
  afterEach(): void {
    if (leakWarnings.length > 0) throw new Error(`listener leak during this or an earlier test: ${leakWarnings.splice(0).join('; ')}`);
  },
};
