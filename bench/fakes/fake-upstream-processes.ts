import path from 'node:path';
import { RpcChild } from '../support/child-rpc';
import type { CallRecord, StreamShape, UpstreamUrls } from './bench-upstreams';

/** The fake upstreams, from the bench's side: the LiteLLM fake and the platform fakes, each in its own process. */
export class FakeUpstreamProcesses {
  private constructor(
    private readonly llm: RpcChild<Partial<UpstreamUrls>>,
    private readonly platform: RpcChild<Partial<UpstreamUrls>>,
    readonly info: UpstreamUrls,
  ) {}

  static async start(): Promise<FakeUpstreamProcesses> {
    const main = path.join(__dirname, 'fakes-main.js');
    const [llm, platform] = await Promise.all([
      RpcChild.start<Partial<UpstreamUrls>>(main, ['litellm']),
      RpcChild.start<Partial<UpstreamUrls>>(main, ['platform']),
    ]);
    return new FakeUpstreamProcesses(llm, platform, { ...llm.info, ...platform.info } as UpstreamUrls);
  }

  /** LiteLLM fake first, then the Edge Function and Supabase fakes. */
  get pids(): [number, number] {
    return [this.llm.pid, this.platform.pid];
  }

  configure(shape: StreamShape): Promise<void> {
    return this.llm.call('configure', shape);
  }

  /** The call records of both since the last collect. */
  async collect(): Promise<CallRecord[]> {
    const [a, b] = await Promise.all([this.llm.call<CallRecord[]>('collect'), this.platform.call<CallRecord[]>('collect')]);
    return [...a, ...b];
  }

  async stop(): Promise<void> {
    await Promise.all([this.llm.stop(), this.platform.stop()]);
  }
}
