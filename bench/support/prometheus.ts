import http from 'node:http';

/** The gateway's `/metrics` text (with its METRICS_TOKEN: production refuses public metrics). */
export function scrape(baseUrl: string, token?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (part: string) => (text += part));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`/metrics answered ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

/** The value of an unlabelled sample, or NaN. */
export function sample(text: string, name: string): number {
  const match = new RegExp(`^${name} ([^\\s]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

function memoryOf(text: string): MemorySample {
  return {
    rssBytes: sample(text, 'process_resident_memory_bytes'),
    heapUsedBytes: sample(text, 'nodejs_heap_size_used_bytes'),
    heapTotalBytes: sample(text, 'nodejs_heap_size_total_bytes'),
    externalBytes: sample(text, 'nodejs_external_memory_bytes'),
  };
}

/**
 * The gateway's own view while a scenario runs, from `/metrics` scraped every `everyMs`: memory
 * (heap used and total, external, RSS) and the event-loop delay. prom-client's default metrics
 * already sample the delay (`perf_hooks.monitorEventLoopDelay`) and reset its histogram on every
 * scrape, so the scrape that starts the watch opens the first window, and the p99 reported is the
 * highest p99 of the windows (a p99 of p99s, on the safe side).
 */
export class GatewayWatch {
  readonly memory: MemorySample[] = [];
  /** At the start, before the load. */
  idle: MemorySample | undefined;
  private lagP99Ms = 0;
  private lagMaxMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  private constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  static async start(baseUrl: string, token?: string, everyMs = 500): Promise<GatewayWatch> {
    const watch = new GatewayWatch(baseUrl, token);
    watch.idle = memoryOf(await scrape(baseUrl, token));
    watch.timer = setInterval(() => {
      watch.inFlight = watch.inFlight.then(() => watch.read());
    }, everyMs);
    return watch;
  }

  async stop(): Promise<{ lagP99Ms: number; lagMaxMs: number; peakHeap: MemorySample | undefined }> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.read();
    const peakHeap = this.memory.reduce<MemorySample | undefined>(
      (best, m) => (!best || m.heapTotalBytes > best.heapTotalBytes ? m : best),
      undefined,
    );
    return { lagP99Ms: this.lagP99Ms, lagMaxMs: this.lagMaxMs, peakHeap };
  }

  private async read(): Promise<void> {
    let text: string;
    try {
      text = await scrape(this.baseUrl, this.token);
    } catch {
      return;
    }
    this.lagP99Ms = Math.max(this.lagP99Ms, sample(text, 'nodejs_eventloop_lag_p99_seconds') * 1000);
    this.lagMaxMs = Math.max(this.lagMaxMs, sample(text, 'nodejs_eventloop_lag_max_seconds') * 1000);
    this.memory.push(memoryOf(text));
  }
}
