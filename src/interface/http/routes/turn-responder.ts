import type { CompletedTurn } from '../../../application/chat/chat-turn';
import type { PreparedTurn } from '../../../application/chat/prepared-turn';
import { StreamSlotPolicy } from '../../../application/chat/stream-slot-policy';
import { TurnRunner } from '../../../application/chat/turn-runner';
import type { DisconnectPolicy } from '../../../application/streams/stream-options';
import { TurnRecorder } from '../../../application/streams/turn-recorder';
import { CONFIG, type Config } from '../../../config/config';
import { CLOCK, type Clock } from '../../../ports/clock.port';
import { ID_GENERATOR, type IdGenerator } from '../../../ports/id-generator.port';
import { LOGGER } from '../../../ports/logger.port';
import { METRICS } from '../../../ports/metrics.port';
import type { RouteDeps } from '../routing/route-deps';
import { HANDLED, userOf, type RouteInput, type RouteReply } from '../routing/route-spec';
import { relayTurn, type RelayOptions } from '../sse/relay-turn';

/**
 * The one answer of every chat operation: a stream relayed as SSE while holding one of the user's
 * stream slots (taken before anything is stored), or the completed turn as the operation answers it.
 * A stream is recorded (stream id, stream log) and runs on its own signal: the disconnect policy
 * (DISCONNECT_POLICY, else the operation's default) decides whether the client leaving stops it.
 */
export class TurnResponder {
  private readonly runner: TurnRunner;
  private readonly recorder: TurnRecorder;
  private readonly slots: StreamSlotPolicy;
  private readonly config: Config;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly relay: Omit<RelayOptions, 'completionId' | 'createdSeconds' | 'pingMs'>;

  constructor(deps: RouteDeps) {
    this.runner = deps.get(TurnRunner);
    this.recorder = deps.get(TurnRecorder);
    this.slots = deps.get(StreamSlotPolicy);
    this.config = deps.get(CONFIG);
    this.clock = deps.get(CLOCK);
    this.ids = deps.get(ID_GENERATOR);
    this.relay = { logger: deps.get(LOGGER), metrics: deps.get(METRICS), clock: this.clock };
  }

  async respond(
    input: RouteInput,
    stream: boolean,
    prepare: () => Promise<PreparedTurn>,
    answer: (turn: CompletedTurn) => Promise<RouteReply>,
    defaultPolicy: DisconnectPolicy = 'continue',
  ): Promise<RouteReply> {
    if (!stream) return answer(await this.runner.complete(await prepare(), input.signal));
    return this.slots.hold(userOf(input).userId, async () => {
      const completionId = this.completionId();
      const createdSeconds = this.nowSeconds();
      const turn = await this.recorder.start(userOf(input), async (signal) => this.runner.stream(await prepare(), signal), {
        policy: this.config.disconnectPolicy ?? defaultPolicy,
        clientSignal: input.signal,
        completionId,
        createdSeconds,
      });
      await relayTurn(input.koa, turn, { ...this.relay, pingMs: this.config.ssePingIntervalMs, completionId, createdSeconds });
      return HANDLED;
    });
  }

  /** An OpenAI-style completion id: `chatcmpl-` and 32 hex digits. */
  completionId(): string {
    return `chatcmpl-${this.ids.uuid().replace(/-/g, '')}`;
  }

  nowSeconds(): number {
    return Math.floor(this.clock.nowMs() / 1000);
  }
}
