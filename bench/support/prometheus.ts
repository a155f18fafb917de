import http from 'node:http';

/** The gateway's `/metrics` text. */
export function scrape(baseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}/metrics`, (res) => {
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

/**
 * Event-loop delay p99 of the gateway over a window. prom-client's default metrics already sample
 * it (`perf_hooks.monitorEventLoopDelay`) and reset the histogram on every scrape, so a scrape
 * before the window starts it and a scrape after reads it.
 */
export class EventLoopWindow {
  private constructor(private readonly baseUrl: string) {}

  static async open(baseUrl: string): Promise<EventLoopWindow> {
    await scrape(baseUrl);
    return new EventLoopWindow(baseUrl);
  }

  async closeMs(): Promise<{ p99Ms: number; maxMs: number }> {
    const text = await scrape(this.baseUrl);
    return {
      p99Ms: sample(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
      maxMs: sample(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
    };
  }
}
