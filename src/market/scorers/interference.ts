/**
 * interference (cost): slowdown suffered plus slowdown caused, (candidateSlowdown − 1) + Σ added to co-runners,
 * squashed into [0, 1) by x / (1 + x).
 */
import type { NodeScorer } from './types.js';
import { clamp01 } from './types.js';

export const interferenceScorer: NodeScorer = {
  name: 'interference',
  scope: 'node',
  cost: true,
  raw: (_d, v) => Math.max(0, v.interference.candidateSlowdown - 1) + Math.max(0, v.interference.totalAddedSlowdown),
  normalize: (raw) => clamp01(raw / (1 + raw)),
};
