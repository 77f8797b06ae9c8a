/**
 * packing: MostAllocated on predicted use, the mean of the three predicted shares after placement. Filling busy nodes
 * first keeps whole nodes free for large bids; the interference cost keeps it from packing into contention.
 */
import type { NodeScorer, NodeView, ScoredDemand } from './types.js';
import { clamp01 } from './types.js';

function meanShare(_d: ScoredDemand, v: NodeView): number {
  const s = v.shares;
  return (s[0]! + s[1]! + s[2]!) / 3;
}

export const packingScorer: NodeScorer = {
  name: 'packing',
  scope: 'node',
  cost: false,
  readsInterference: false,
  raw: meanShare,
  normalize: (raw) => clamp01(raw),
  score: (d, v) => clamp01(meanShare(d, v)),
};
