import type { Metrics } from '../../ports/metrics.port';
import type { TurnListener, TurnOutcome } from './chat-turn';

/** Business metrics of every turn: tokens and cost by model. */
export class MetricsTurnListener implements TurnListener {
  constructor(private readonly metrics: Metrics) {}

  onTurnFinished(_userId: string, outcome: TurnOutcome): void {
    if (outcome.usage) this.metrics.tokens(outcome.placement.model, outcome.usage, outcome.cost_usd);
  }
}
