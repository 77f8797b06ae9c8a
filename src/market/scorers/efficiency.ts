/**
 * efficiency: how well predicted real use fills what the workload makes the node hold back. Per resource
 * mean / p99 (1 when p99 is 0), averaged: a steady workload near its tail scores 1, a mostly idle one that
 * occasionally spikes scores near 0.
 */
import type { BidScorer } from './types.js';
import { clamp01 } from './types.js';
import type { Quantiles } from '../types.js';

const fill = (q: Quantiles): number => (q.p99 > 0 ? q.mean / q.p99 : 1);

export const efficiencyScorer: BidScorer = {
  name: 'efficiency',
  scope: 'bid',
  cost: false,
  raw: (d) => (fill(d.prediction.cpu) + fill(d.prediction.memory) + fill(d.prediction.network)) / 3,
  normalize: (raw) => clamp01(raw),
};
