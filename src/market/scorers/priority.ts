/** priority: effective priority points (class points minus the decayed ledger reductions) over 100 (critical). */
import type { BidScorer } from './types.js';
import { clamp01 } from './types.js';
import { PRIORITY_POINTS } from '../types.js';

export const priorityScorer: BidScorer = {
  name: 'priority',
  scope: 'bid',
  cost: false,
  raw: (d) => d.effectivePriority,
  normalize: (raw) => clamp01(raw / PRIORITY_POINTS.critical),
};
