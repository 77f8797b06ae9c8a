/** The scorer registry: configured scorer names to plugins, split by scope, with their weights. */
import type { EngineConfig, ScorerName } from '../config.js';
import type { BidScorer, NodeScorer, Scorer } from './types.js';
import { priceScorer } from './price.js';
import { priorityScorer } from './priority.js';
import { efficiencyScorer } from './efficiency.js';
import { standingScorer } from './standing.js';
import { interferenceScorer } from './interference.js';
import { packingScorer } from './packing.js';
import { balanceScorer } from './balance.js';

export const SCORERS: Readonly<Record<ScorerName, Scorer>> = {
  price: priceScorer,
  priority: priorityScorer,
  efficiency: efficiencyScorer,
  standing: standingScorer,
  interference: interferenceScorer,
  packing: packingScorer,
  balance: balanceScorer,
};

export interface Weighted<S> {
  scorer: S;
  /** Signed weight: negative for cost scorers. */
  sign: number;
  weight: number;
}

export interface ScorerSet {
  bid: Weighted<BidScorer>[];
  node: Weighted<NodeScorer>[];
}

export function scorerSet(config: EngineConfig): ScorerSet {
  const set: ScorerSet = { bid: [], node: [] };
  for (const name of config.scorers) {
    const scorer = SCORERS[name];
    const weight = config.weights[name] ?? 0;
    const sign = scorer.cost ? -1 : 1;
    if (scorer.scope === 'bid') set.bid.push({ scorer, sign, weight });
    else set.node.push({ scorer, sign, weight });
  }
  return set;
}

export type { BidScorer, NodeScorer, Scorer, ScoredDemand, NodeView, RoundStats } from './types.js';
