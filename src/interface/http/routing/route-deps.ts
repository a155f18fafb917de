import type { DependencyContainer, InjectionToken } from 'tsyringe';

/**
 * Where a route module takes its use cases and services from: once, when its routes are built,
 * never per request.
 */
export interface RouteDeps {
  get<T>(token: InjectionToken<T>): T;
}

/** The service's own: everything resolved from the composition root's container. */
export function containerDeps(container: DependencyContainer): RouteDeps {
  return { get: (token) => container.resolve(token) };
}

/**
 * For routes built only to be described (the OpenAPI document, the README's endpoint table):
 * nothing is resolved, and a handler that runs anyway fails loudly on its first use of a dependency.
 */
export const DOCUMENTATION_ONLY: RouteDeps = {
  get<T>(token: InjectionToken<T>): T {
    const fail = (): never => {
      throw new Error(`routes built for documentation only: ${String(token)} is not available`);
    };
    return new Proxy({}, { get: fail, apply: fail }) as T;
  },
};
