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
  /**
   * The same two lists as node selection's hot loop reads them (placement.ts), in configured order: for the scorers
   * without interference their kind and sign · weight; for the interference cost its weight (to bound the term from
   * the model's lower bound) and sign · weight.
   */
  fast: {
    partialKinds: Uint8Array;
    partialWeights: Float64Array;
    interferenceWeights: Float64Array;
    interferenceSignedWeights: Float64Array;
  };
}

/** Codes of node scorer kinds in `ScorerSet.fast.partialKinds`. */
export const PACKING = 0;
export const BALANCE = 1;

export function scorerSet(config: EngineConfig): ScorerSet {
  const set: Omit<ScorerSet, 'fast'> = { bid: [], node: [], nodeWithoutInterference: [], nodeWithInterference: [], interferenceUpperBound: 0 };
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
  // The hot loop knows each kind's formula; a scorer reading the estimate is the interference cost (the only one).
  for (const w of set.nodeWithInterference) {
    if (w.scorer.kind !== 'interference' || !w.scorer.cost) throw new Error(`node scorer ${w.scorer.name}: no inline evaluation`);
  }
  for (const w of set.nodeWithoutInterference) {
    if (w.scorer.kind === 'interference') throw new Error(`node scorer ${w.scorer.name}: no inline evaluation`);
  }
  const fast = {
    partialKinds: Uint8Array.from(set.nodeWithoutInterference, (w) => (w.scorer.kind === 'packing' ? PACKING : BALANCE)),
    partialWeights: Float64Array.from(set.nodeWithoutInterference, (w) => w.sign * w.weight),
    interferenceWeights: Float64Array.from(set.nodeWithInterference, (w) => w.weight),
    interferenceSignedWeights: Float64Array.from(set.nodeWithInterference, (w) => w.sign * w.weight),
  };
  // An object literal, not a spread: V8 gives every round's set the same hidden class.
  return {
    bid: set.bid,
    node: set.node,
    nodeWithoutInterference: set.nodeWithoutInterference,
    nodeWithInterference: set.nodeWithInterference,
    interferenceUpperBound: set.interferenceUpperBound,
    fast,
  };
}

export type { BidScorer, NodeScorer, Scorer, ScoredDemand, NodeView, RoundStats } from './types.js';
