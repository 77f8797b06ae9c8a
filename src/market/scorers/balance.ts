/**
 * balance: kube-scheduler's BalancedAllocation on predicted use, 1 − standard deviation of the three shares after
 * placement (a node used evenly across CPU, memory and network strands less capacity).
 */
import type { NodeScorer, NodeView, ScoredDemand } from './types.js';
import { clamp01 } from './types.js';

function spread(_d: ScoredDemand, v: NodeView): number {
  const s = v.shares;
  const c = s[0]!;
  const m = s[1]!;
  const n = s[2]!;
  const mean = (c + m + n) / 3;
  return Math.sqrt(((c - mean) * (c - mean) + (m - mean) * (m - mean) + (n - mean) * (n - mean)) / 3);
}

export const balanceScorer: NodeScorer = {
  name: 'balance',
  scope: 'node',
  cost: false,
  readsInterference: false,
  raw: spread,
  normalize: (raw) => clamp01(1 - raw),
  score: (d, v) => clamp01(1 - spread(d, v)),
};
