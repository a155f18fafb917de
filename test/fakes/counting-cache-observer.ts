import type { CacheLayer, CacheObserver, CacheOperation } from '../../src/ports/cache-observer.port';

/** Counts what the cache-aside layer reports, by event. */
export class CountingCacheObserver implements CacheObserver {
  readonly hits: { kind: string; layer: CacheLayer }[] = [];
  readonly loads: string[] = [];
  readonly coalescedMisses: string[] = [];
  readonly degradedOps: { kind: string; operation: CacheOperation }[] = [];
  readonly outages: { state: 'down' | 'up'; durationMs?: number }[] = [];

  hit(kind: string, layer: CacheLayer): void {
    this.hits.push({ kind, layer });
  }

  load(kind: string): void {
    this.loads.push(kind);
  }

  coalesced(kind: string): void {
    this.coalescedMisses.push(kind);
  }

  degraded(kind: string, operation: CacheOperation): void {
    this.degradedOps.push({ kind, operation });
  }

  outage(state: 'down' | 'up', durationMs?: number): void {
    this.outages.push({ state, durationMs });
  }
}
