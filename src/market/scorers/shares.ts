/** Predicted mean share of each resource on a node once the candidate is added: (load mean + candidate mean) / capacity. */
import type { NodeView, ScoredDemand } from './types.js';
import { clamp01 } from './types.js';

export function sharesAfter(d: ScoredDemand, v: NodeView): [number, number, number] {
  const { node, load } = v;
  const m = d.moments;
  return [
    node.cpu > 0 ? clamp01((load.cpuMean + m.cpuMean) / node.cpu) : 1,
    node.memory > 0 ? clamp01((load.memoryMean + m.memoryMean) / node.memory) : 1,
    node.network > 0 ? clamp01((load.networkMean + m.networkMean) / node.network) : 1,
  ];
}
