/** standing: the client's record in the penalty ledger, 1 / (1 + decayed count of profile violations). */
import type { BidScorer } from './types.js';
import { clamp01 } from './types.js';

export const standingScorer: BidScorer = {
  name: 'standing',
  scope: 'bid',
  cost: false,
  raw: (d) => d.violations,
  normalize: (raw) => clamp01(1 / (1 + Math.max(0, raw))),
};
