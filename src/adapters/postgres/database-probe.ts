import type { Clock } from '../../ports/clock.port';
import type { DependencyProbe, ProbeResult } from '../../ports/dependency-probe.port';
import type { SqlDatabase } from './sql-database';

/**
 * Readiness of the conversation database: a `SELECT 1` round trip (after the migrations). Required:
 * without it no conversation can be read or written. Its details say which engine and where the
 * data lives (never a password).
 */
export class DatabaseProbe implements DependencyProbe {
  readonly name = 'database';
  readonly required = true;
  readonly adapter: string;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Clock,
  ) {
    this.adapter = db.info.driver;
  }

  async check(): Promise<ProbeResult> {
    const started = this.clock.nowMs();
    const details = { driver: this.db.info.driver, location: this.db.info.location };
    try {
      await this.db.ping();
      return { status: 'up', latencyMs: this.clock.nowMs() - started, details };
    } catch (err) {
      return { status: 'down', latencyMs: this.clock.nowMs() - started, error: (err as Error).message.slice(0, 160), details };
    }
  }
}
