import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An upstream that is down behind its load balancer: every call answers 503 with the body the
 * Supabase gateway sends then. Counts the calls, so a test can see retries and an open circuit.
 */
export class FailingUpstreamServer {
  calls = 0;
  url = '';
  private readonly server = http.createServer((req, res) => {
    this.calls += 1;
    req.resume();
    res.writeHead(503, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'upstream unavailable' }));
  });

  static async start(): Promise<FailingUpstreamServer> {
    const fake = new FailingUpstreamServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
