/**
 * balance: kube-scheduler's BalancedAllocation on predicted use, 1 − standard deviation of the three shares after
 * placement (a node used evenly across CPU, memory and network strands less capacity).
 */
import type { NodeScorer } from './types.js';
import { clamp01 } from './types.js';
import { sharesAfter } from './shares.js';

export const balanceScorer: NodeScorer = {
  name: 'balance',
  scope: 'node',
  cost: false,
  raw: (d, v) => {
    const [c, m, n] = sharesAfter(d, v);
    const mean = (c + m + n) / 3;
    return Math.sqrt(((c - mean) ** 2 + (m - mean) ** 2 + (n - mean) ** 2) / 3);
  },
  normalize: (raw) => clamp01(1 - raw),
};
