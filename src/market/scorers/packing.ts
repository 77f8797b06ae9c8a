/**
 * packing: MostAllocated on predicted use, the mean of the three predicted shares after placement. Filling busy nodes
 * first keeps whole nodes free for large bids; the interference cost keeps it from packing into contention.
 */
import type { NodeScorer } from './types.js';
import { clamp01 } from './types.js';
import { meanShare } from './shares.js';

export const packingScorer: NodeScorer = {
  name: 'packing',
  scope: 'node',
  kind: 'packing',
  cost: false,
  readsInterference: false,
  raw: (_d, v) => meanShare(v.shares[0]!, v.shares[1]!, v.shares[2]!),
  normalize: (raw) => clamp01(raw),
};
