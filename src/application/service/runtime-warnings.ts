import { token } from '../../ports/token';

export interface RuntimeWarning {
  code: string;
  message: string;
  /** When it was first noticed (ISO-8601). */
  since: string;
}

/**
 * Misconfigurations only visible while running (e.g. a proxy header the service was told not to
 * trust): each is logged once by whoever notices it and shown on `/health` until the process restarts.
 */
export class RuntimeWarnings {
  private readonly warnings = new Map<string, RuntimeWarning>();

  /** Records a warning; true the first time its code is seen (the caller logs it then). */
  add(code: string, message: string, nowMs: number): boolean {
    if (this.warnings.has(code)) return false;
    this.warnings.set(code, { code, message, since: new Date(nowMs).toISOString() });
    return true;
  }

  list(): RuntimeWarning[] {
    return [...this.warnings.values()];
  }
}

export const RUNTIME_WARNINGS = token<RuntimeWarnings>('RuntimeWarnings');
