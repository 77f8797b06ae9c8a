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
  /** All node scorers, in configured order (for breakdowns). */
  node: Weighted<NodeScorer>[];
  /** Node scorers that do not read the interference estimate. */
  nodeWithoutInterference: Weighted<NodeScorer>[];
  /** Node scorers that do. */
  nodeWithInterference: Weighted<NodeScorer>[];
  /** The most the interference-reading scorers can add: Σ weight of the non-cost ones (normalized ≤ 1, costs ≤ 0). */
  interferenceUpperBound: number;
}

/**
 * The most the interference-reading scorers can add given a lower bound on the slowdown: cost scorers that can bound
 * themselves subtract at least weight · minNormalizedGivenSlowdown(lb); the others as in `interferenceUpperBound`.
 */
export function interferenceUpperBoundGiven(set: ScorerSet, slowdownLowerBound: number): number {
  let bound = 0;
  for (const w of set.nodeWithInterference) {
    if (!w.scorer.cost) bound += w.weight;
    else if (w.scorer.minNormalizedGivenSlowdown) bound -= w.weight * w.scorer.minNormalizedGivenSlowdown(slowdownLowerBound);
  }
  return bound;
}

export function scorerSet(config: EngineConfig): ScorerSet {
  const set: ScorerSet = { bid: [], node: [], nodeWithoutInterference: [], nodeWithInterference: [], interferenceUpperBound: 0 };
  for (const name of config.scorers) {
    const scorer = SCORERS[name];
    const weight = config.weights[name] ?? 0;
    const sign = scorer.cost ? -1 : 1;
    if (scorer.scope === 'bid') set.bid.push({ scorer, sign, weight });
    else {
      const w = { scorer, sign, weight };
      set.node.push(w);
      if (scorer.readsInterference) {
        set.nodeWithInterference.push(w);
        if (!scorer.cost) set.interferenceUpperBound += weight;
      } else set.nodeWithoutInterference.push(w);
    }
  }
  return set;
}

export type { BidScorer, NodeScorer, Scorer, ScoredDemand, NodeView, RoundStats } from './types.js';
