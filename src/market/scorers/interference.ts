/**
 * interference (cost): slowdown suffered plus slowdown caused, (candidateSlowdown − 1) + Σ added to co-runners,
 * squashed into [0, 1) by x / (1 + x).
 */
import type { NodeScorer, NodeView } from './types.js';
import { clamp01 } from './types.js';

function slowdown(v: NodeView): number {
  return Math.max(0, v.interference.candidateSlowdown - 1) + Math.max(0, v.interference.totalAddedSlowdown);
}
const squash = (raw: number): number => clamp01(raw / (1 + raw));

export const interferenceScorer: NodeScorer = {
  name: 'interference',
  scope: 'node',
  cost: true,
  readsInterference: true,
  raw: (_d, v) => slowdown(v),
  normalize: squash,
  score: (_d, v) => squash(slowdown(v)),
  minNormalizedGivenSlowdown: (lb) => squash(Math.max(0, lb)),
};
