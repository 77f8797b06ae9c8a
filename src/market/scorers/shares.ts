/** Predicted mean share of each resource on a node once the candidate is added: (load mean + candidate mean) / capacity. */
import type { NodeView, ScoredDemand } from './types.js';
import { clamp01 } from './types.js';

/**
 * Writes into one shared scratch array rather than allocating: this runs for every (bid, node) pair scored, and the
 * engine is synchronous, so callers read the values before the next call.
 */
const scratch: [number, number, number] = [0, 0, 0];

export function sharesAfter(d: ScoredDemand, v: NodeView): readonly [number, number, number] {
  const { node, load } = v;
  const m = d.moments;
  scratch[0] = node.cpu > 0 ? clamp01((load.cpuMean + m.cpuMean) / node.cpu) : 1;
  scratch[1] = node.memory > 0 ? clamp01((load.memoryMean + m.memoryMean) / node.memory) : 1;
  scratch[2] = node.network > 0 ? clamp01((load.networkMean + m.networkMean) / node.network) : 1;
  return scratch;
}
