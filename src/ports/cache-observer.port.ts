import { token } from './token';
/** Where an answer of the cache-aside layer came from. */
export type CacheLayer = 'shared' | 'local';

export type CacheOperation = 'get' | 'set' | 'delete';

/**
 * Hooks for metrics on the cache-aside layer (hit ratio, loads, coalesced misses, degraded
 * operations, outages). The metrics adapter implements it; tests count with it.
 */
export interface CacheObserver {
  hit(kind: string, layer: CacheLayer): void;
  /** A miss that called the loader (the source of truth). */
  load(kind: string): void;
  /** A miss that joined a load already in flight for the same key (single-flight). */
  coalesced(kind: string): void;
  /** An operation answered without the shared cache because it is down or slow. */
  degraded(kind: string, operation: CacheOperation): void;
  /** The shared cache went down (`down`) or answers again (`up`, with the outage's duration). */
  outage(state: 'down' | 'up', durationMs?: number): void;
}

export const CACHE_OBSERVER = token<CacheObserver>('CacheObserver');

export const NOOP_CACHE_OBSERVER: CacheObserver = {
  hit: () => undefined,
  load: () => undefined,
  coalesced: () => undefined,
  degraded: () => undefined,
  outage: () => undefined,
};
