import 'reflect-metadata';
import { notRunSummary } from './support/require-server';

/** Mocha global teardown: after the tally, say loudly which suites did not run for want of a server. */
export function mochaGlobalTeardown(): void {
  for (const line of notRunSummary()) console.log(`\n${line}\n`);
}
