/**
 * Predicted mean share of each resource on a node once the candidate is added: (load mean + candidate mean) / capacity,
 * clamped to [0, 1]. Computed once per (bid, node) pair and read by the packing and balance scorers. The helpers take
 * plain numbers so node selection's hot loop (placement.ts) computes exactly what the scorers compute, inline.
 */
import type { NodeView, ScoredDemand } from './types.js';
import { clamp01 } from './types.js';

/** One resource's share after placement; 1 on a node without that resource. */
export function shareAfter(loadMean: number, candidateMean: number, capacity: number): number {
  return capacity > 0 ? clamp01((loadMean + candidateMean) / capacity) : 1;
}

export function fillShares(view: NodeView, d: ScoredDemand): void {
  const { node, load, shares } = view;
  const m = d.moments;
  shares[0] = shareAfter(load.cpuMean, m.cpuMean, node.cpu);
  shares[1] = shareAfter(load.memoryMean, m.memoryMean, node.memory);
  shares[2] = shareAfter(load.networkMean, m.networkMean, node.network);
}

/** Mean of the three shares (packing's raw value). */
export function meanShare(cpu: number, memory: number, network: number): number {
  return (cpu + memory + network) / 3;
}

/** Standard deviation of the three shares (balance's raw value). */
export function shareSpread(cpu: number, memory: number, network: number): number {
  const mean = (cpu + memory + network) / 3;
  return Math.sqrt(((cpu - mean) * (cpu - mean) + (memory - mean) * (memory - mean) + (network - mean) * (network - mean)) / 3);
}
