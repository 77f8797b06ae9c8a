/**
 * packing: MostAllocated on predicted use, the mean of the three predicted shares after placement. Filling busy nodes
 * first keeps whole nodes free for large bids; the interference cost keeps it from packing into contention.
 */
import type { NodeScorer } from './types.js';
import { clamp01 } from './types.js';
import { sharesAfter } from './shares.js';

export const packingScorer: NodeScorer = {
  name: 'packing',
  scope: 'node',
  cost: false,
  raw: (d, v) => {
    const [c, m, n] = sharesAfter(d, v);
    return (c + m + n) / 3;
  },
  normalize: (raw) => clamp01(raw),
};
