/**
 * balance: kube-scheduler's BalancedAllocation on predicted use, 1 − standard deviation of the three shares after
 * placement (a node used evenly across CPU, memory and network strands less capacity).
 */
import type { NodeScorer } from './types.js';
import { clamp01 } from './types.js';
import { shareSpread } from './shares.js';

export const balanceScorer: NodeScorer = {
  name: 'balance',
  scope: 'node',
  kind: 'balance',
  cost: false,
  readsInterference: false,
  raw: (_d, v) => shareSpread(v.shares[0]!, v.shares[1]!, v.shares[2]!),
  normalize: (raw) => clamp01(1 - raw),
};
