/**
 * interference (cost): slowdown suffered plus slowdown caused, (candidateSlowdown − 1) + Σ added to co-runners,
 * squashed into [0, 1) by x / (1 + x).
 */
import type { NodeScorer } from './types.js';
import { clamp01 } from './types.js';

/** The raw value from an estimate's two numbers (node selection's hot loop calls it with them directly). */
export function slowdownOf(candidateSlowdown: number, totalAddedSlowdown: number): number {
  return Math.max(0, candidateSlowdown - 1) + Math.max(0, totalAddedSlowdown);
}
export const squash = (raw: number): number => clamp01(raw / (1 + raw));

export const interferenceScorer: NodeScorer = {
  name: 'interference',
  scope: 'node',
  kind: 'interference',
  cost: true,
  readsInterference: true,
  raw: (_d, v) => slowdownOf(v.interference.candidateSlowdown, v.interference.totalAddedSlowdown),
  normalize: squash,
};
