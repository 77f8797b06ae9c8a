/**
 * The scorer plugin contract. A scorer has a name, a scope (bid-level terms depend only on the bid; node-level terms on
 * the bid and a candidate node), a raw value and a normalization into [0, 1]. Cost scorers subtract their weighted
 * term. The engine multiplies by the configured weight and keeps every term in the decision's breakdown.
 */
import type { DemandMoments, LoadInterferenceEstimate, MarketNode, NodeLoad, Prediction } from '../types.js';

/** What the scorers know about a bid (or an instance being re-placed). */
export interface ScoredDemand {
  id: string;
  moments: DemandMoments;
  prediction: Prediction;
  effectivePriority: number;
  /** Price per mean-node unit (see payment.ts). */
  unitPrice: number;
  /** Decayed count of the client's profile violations. */
  violations: number;
}

/** Per-round statistics bid scorers normalize against. */
export interface RoundStats {
  maxUnitPrice: number;
}

/** A candidate node as node scorers see it: the load before the candidate and the interference estimate. */
export interface NodeView {
  node: MarketNode;
  load: NodeLoad;
  interference: LoadInterferenceEstimate;
  /** Predicted mean share of CPU, memory and network after placement (see shares.ts), filled before scoring. */
  shares: Float64Array;
}

export interface BidScorer {
  readonly name: string;
  readonly scope: 'bid';
  readonly cost: boolean;
  raw(demand: ScoredDemand, round: RoundStats): number;
  normalize(raw: number, round: RoundStats): number;
}

/**
 * What a node scorer reads, which fixes how node selection's hot loop evaluates it inline (placement.ts), with the
 * same helpers as its `raw`: `packing` and `balance` the predicted shares after placement (shares.ts), `interference`
 * the estimate's slowdown (interference.ts).
 */
export type NodeScorerKind = 'packing' | 'balance' | 'interference';

export interface NodeScorer {
  readonly name: string;
  readonly scope: 'node';
  readonly kind: NodeScorerKind;
  readonly cost: boolean;
  /**
   * Whether `raw` reads `view.interference`. Node selection scores the other terms first and skips the interference
   * estimate on nodes whose best possible total cannot beat the best node so far (exact branch and bound).
   */
  readonly readsInterference: boolean;
  raw(demand: ScoredDemand, view: NodeView): number;
  normalize(raw: number): number;
}

export type Scorer = BidScorer | NodeScorer;

/** Clamp into [0, 1]; NaN becomes 0 (it fails both comparisons). */
export const clamp01 = (x: number): number => (x >= 0 ? (x <= 1 ? x : 1) : 0);
