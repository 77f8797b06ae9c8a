/**
 * The chance constraint, per node and resource, under the Gaussian approximation of summed independent demands:
 *   P(Σ demand > capacity) ≤ ε  ⇔  Σ mean + z(1−ε) · sqrt(Σ var) ≤ capacity
 * plus the hard memory limit: Σ declared memory peaks ≤ memory (memory is not compressible).
 */
import type { DemandMoments, NodeCapacity, NodeLoad } from './types.js';
import { normalCdf } from './normal.js';

/** Why a node does not fit, or null when it does. */
export type FitFailure = 'cpu' | 'memory' | 'network' | 'memory_peak';

/** Tolerance for floating-point sums, so a load that exactly fills a node is not rejected by rounding. */
const EPS = 1e-9;

export function chanceFit(load: NodeLoad, d: DemandMoments, node: NodeCapacity, z: number): FitFailure | null {
  if (load.memoryPeak + d.memoryPeak > node.memory + EPS) return 'memory_peak';
  if (load.cpuMean + d.cpuMean + z * Math.sqrt(load.cpuVar + d.cpuVar) > node.cpu + EPS) return 'cpu';
  if (load.memoryMean + d.memoryMean + z * Math.sqrt(load.memoryVar + d.memoryVar) > node.memory + EPS) return 'memory';
  if (load.networkMean + d.networkMean + z * Math.sqrt(load.networkVar + d.networkVar) > node.network + EPS) {
    return 'network';
  }
  return null;
}

/** P(summed demand > capacity) for one resource under the same approximation. */
export function overflowProbability(mean: number, variance: number, capacity: number): number {
  if (variance <= 0) return mean > capacity ? 1 : 0;
  return 1 - normalCdf((capacity - mean) / Math.sqrt(variance));
}
