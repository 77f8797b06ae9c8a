/**
 * Predicted mean share of each resource on a node once the candidate is added: (load mean + candidate mean) / capacity,
 * clamped to [0, 1]. Computed once per (bid, node) pair into the view, and read by the packing and balance scorers.
 */
import type { NodeView, ScoredDemand } from './types.js';
import { clamp01 } from './types.js';

export function fillShares(view: NodeView, d: ScoredDemand): void {
  const { node, load, shares } = view;
  const m = d.moments;
  shares[0] = node.cpu > 0 ? clamp01((load.cpuMean + m.cpuMean) / node.cpu) : 1;
  shares[1] = node.memory > 0 ? clamp01((load.memoryMean + m.memoryMean) / node.memory) : 1;
  shares[2] = node.network > 0 ? clamp01((load.networkMean + m.networkMean) / node.network) : 1;
}
