import { inject, injectable, injectAll } from 'tsyringe';
import { CLOCK, type Clock } from '../../ports/clock.port';
import { DEPENDENCY_PROBES, type DependencyProbe, type ProbeStatus } from '../../ports/dependency-probe.port';
import { SERVICE_LIFECYCLE, type ServiceLifecycle } from '../service/service-lifecycle';
import { token } from '../../ports/token';

export interface DependencyHealth {
  name: string;
  status: ProbeStatus;
  required: boolean;
  adapter: string;
  latencyMs: number;
  error?: string;
  details?: Record<string, unknown>;
}

export type OverallStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthReport {
  status: OverallStatus;
  /** All required dependencies answer and the process is not draining. */
  ready: boolean;
  draining: boolean;
  checkedAt: string;
  dependencies: DependencyHealth[];
}

export interface HealthCheckOptions {
  /** Upper bound on one probe, whatever the adapter does. */
  probeTimeoutMs: number;
  /** Results are reused this long, so a monitor polling hard does not hammer the upstreams. */
  reuseForMs: number;
}

export const HEALTH_CHECK_OPTIONS = token<HealthCheckOptions>('HealthCheckOptions');

@injectable()
export class CheckHealth {
  private last: { at: number; report: Omit<HealthReport, 'ready' | 'draining'> } | undefined;
  private inflight: Promise<Omit<HealthReport, 'ready' | 'draining'>> | undefined;

  constructor(
    @injectAll(DEPENDENCY_PROBES) private readonly probes: DependencyProbe[],
    @inject(CLOCK) private readonly clock: Clock,
    @inject(SERVICE_LIFECYCLE) private readonly lifecycle: ServiceLifecycle,
    @inject(HEALTH_CHECK_OPTIONS) private readonly options: HealthCheckOptions,
  ) {}

  async execute(): Promise<HealthReport> {
    const now = this.clock.nowMs();
    let report = this.last && now - this.last.at < this.options.reuseForMs ? this.last.report : undefined;
    if (!report) {
      this.inflight ??= this.probeAll().finally(() => {
        this.inflight = undefined;
      });
      report = await this.inflight;
      this.last = { at: this.clock.nowMs(), report };
    }
    const draining = this.lifecycle.isDraining;
    const requiredUp = report.dependencies.every((d) => !d.required || d.status === 'up');
    return { ...report, ready: requiredUp && !draining, draining };
  }

  private async probeAll(): Promise<Omit<HealthReport, 'ready' | 'draining'>> {
    const dependencies = await Promise.all(this.probes.map((p) => this.probeOne(p)));
    const requiredDown = dependencies.some((d) => d.required && d.status === 'down');
    const optionalDown = dependencies.some((d) => !d.required && d.status === 'down');
    const status: OverallStatus = requiredDown ? 'unhealthy' : optionalDown ? 'degraded' : 'healthy';
    return { status, checkedAt: this.clock.now().toISOString(), dependencies };
  }

  private async probeOne(probe: DependencyProbe): Promise<DependencyHealth> {
    const base = { name: probe.name, required: probe.required, adapter: probe.adapter };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<DependencyHealth>((resolve) => {
      timer = setTimeout(
        () => resolve({ ...base, status: 'down', latencyMs: this.options.probeTimeoutMs, error: 'timeout' }),
        this.options.probeTimeoutMs,
      );
    });
    const run = probe
      .check()
      .then((r) => ({ ...base, ...r }))
      .catch((err: unknown) => ({ ...base, status: 'down' as const, latencyMs: 0, error: (err as Error).message }));
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
