import type { DependencyProbe, ProbeResult } from '../../ports/dependency-probe.port';

/** Health entry of a port served in-process: always up, and says so. */
export class EmbeddedProbe implements DependencyProbe {
  readonly adapter = 'memory';

  constructor(
    readonly name: string,
    readonly required: boolean,
  ) {}

  async check(): Promise<ProbeResult> {
    return { status: 'up', latencyMs: 0 };
  }
}
