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

/**
 * mean + z·√var ≤ capacity, tested without the square root (this runs for every (bid, node) pair scanned):
 * headroom = capacity − mean ≥ 0 and headroom² ≥ z²·var. Equivalent for z ≥ 0.
 */
function within(mean: number, variance: number, capacity: number, z: number): boolean {
  const headroom = capacity + EPS - mean;
  return headroom >= 0 && headroom * headroom >= z * z * variance;
}

export function chanceFit(load: NodeLoad, d: DemandMoments, node: NodeCapacity, z: number): FitFailure | null {
  if (load.memoryPeak + d.memoryPeak > node.memory + EPS) return 'memory_peak';
  if (!within(load.cpuMean + d.cpuMean, load.cpuVar + d.cpuVar, node.cpu, z)) return 'cpu';
  if (!within(load.memoryMean + d.memoryMean, load.memoryVar + d.memoryVar, node.memory, z)) return 'memory';
  if (!within(load.networkMean + d.networkMean, load.networkVar + d.networkVar, node.network, z)) return 'network';
  return null;
}

/** Beyond 8.3 σ of headroom the tail is below 1e-16: report 0 without the square root and the CDF. */
const NEGLIGIBLE_Z2 = 8.3 * 8.3;

/** P(summed demand > capacity) for one resource under the same approximation. */
export function overflowProbability(mean: number, variance: number, capacity: number): number {
  const headroom = capacity - mean;
  if (variance <= 0) return headroom < 0 ? 1 : 0;
  if (headroom > 0 && headroom * headroom > NEGLIGIBLE_Z2 * variance) return 0;
  return 1 - normalCdf(headroom / Math.sqrt(variance));
}
