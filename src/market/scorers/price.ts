/** price: the bid's price per mean-node unit, normalized by the highest unit price in the round. */
import type { BidScorer } from './types.js';
import { clamp01 } from './types.js';

export const priceScorer: BidScorer = {
  name: 'price',
  scope: 'bid',
  cost: false,
  raw: (d) => d.unitPrice,
  normalize: (raw, round) => (round.maxUnitPrice > 0 ? clamp01(raw / round.maxUnitPrice) : 0),
};
