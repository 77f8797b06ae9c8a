/**
 * Factory for LoadInterferenceEstimate objects. Every such object in the engine comes from here so they share
 * one V8 hidden class whose fields hold doubles from the start (initialized with non-integers): the (bid, node) loop
 * rewrites one of them a million times per round, and a field V8 had typed as small-integer or generic would box each
 * written double into a fresh heap number.
 */
import type { LoadInterferenceEstimate } from './types.js';

export function newLoadEstimate(): LoadInterferenceEstimate {
  const e: LoadInterferenceEstimate = {
    candidateSlowdown: 1.5,
    totalAddedSlowdown: 0.5,
    tailSlowdown: 0.5,
    components: { contention: 0.5, cacheThrashing: 0.5, networkCongestion: 0.5 },
  };
  e.candidateSlowdown = 1;
  e.totalAddedSlowdown = 0;
  e.tailSlowdown = 0;
  e.components.contention = 0;
  e.components.cacheThrashing = 0;
  e.components.networkCongestion = 0;
  return e;
}
