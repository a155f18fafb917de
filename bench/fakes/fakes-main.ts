import { serveRpc } from '../support/child-rpc';
import { BenchUpstreams, type StreamShape } from './bench-upstreams';

/** Helper process: fake upstreams on their own event loop (`litellm` or `platform`). */
async function main(): Promise<void> {
  const role = process.argv[2] === 'litellm' ? 'litellm' : 'platform';
  const fakes = new BenchUpstreams();
  const urls = await fakes.start(role);
  serveRpc(
    {
      configure: (shape: StreamShape) => fakes.configure(shape),
      collect: () => fakes.collect(),
    },
    urls,
  );
}

void main();
