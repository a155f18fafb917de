/**
 * Whether the process is draining (SIGTERM received). Readiness turns false at once so the load
 * balancer stops sending new requests while in-flight ones finish.
 */
export class ServiceLifecycle {
  private drainingSince: number | undefined;

  startDraining(nowMs: number): void {
    this.drainingSince ??= nowMs;
  }

  get isDraining(): boolean {
    return this.drainingSince !== undefined;
  }
}

export const SERVICE_LIFECYCLE = Symbol('ServiceLifecycle');
