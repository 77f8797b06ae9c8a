import type { NodeCapacity, Quantiles, Resource } from '../market/types.js';
import { RESOURCE_ORDER } from './spec.js';

/** Predicted demand of one workload, as the interference head sees it (absolute units). */
export type DemandQuantiles = Record<Resource, Pick<Quantiles, 'mean' | 'p95'>>;

/**
 * Features of the interference head: the instance's own predicted demand and its co-runners' summed demand,
 * each as a fraction of the node's capacity, plus the aggregate p95 against capacity and the co-runner count.
 * Shared by training and serving like the utilization features.
 */
export const INTERFERENCE_FEATURE_NAMES: readonly string[] = [
  ...RESOURCE_ORDER.flatMap((r) => [`own_${r}_mean`, `own_${r}_p95`, `co_${r}_mean`, `co_${r}_p95`, `total_${r}_p95`]),
  'co_count_log',
];

/** Fraction of capacity, with a node that lacks the resource (capacity 0) read as "no pressure". */
function fraction(value: number, capacity: number): number {
  return capacity > 0 ? value / capacity : 0;
}

export function interferenceFeaturesInto(
  own: DemandQuantiles,
  node: Pick<NodeCapacity, Resource>,
  coRunners: readonly DemandQuantiles[],
  out: Float32Array,
  offset: number,
): void {
  let k = offset;
  for (const r of RESOURCE_ORDER) {
    let coMean = 0;
    let coP95 = 0;
    for (const c of coRunners) {
      coMean += c[r].mean;
      coP95 += c[r].p95;
    }
    out[k++] = fraction(own[r].mean, node[r]);
    out[k++] = fraction(own[r].p95, node[r]);
    out[k++] = fraction(coMean, node[r]);
    out[k++] = fraction(coP95, node[r]);
    out[k++] = fraction(own[r].p95 + coP95, node[r]);
  }
  out[k++] = Math.log1p(coRunners.length);
}

/**
 * Processor-sharing slowdown, the label the interference head learns until feedback with observed slowdown
 * exists: per time slot, a resource whose summed demand D exceeds capacity C serves everyone at C / D, so work
 * takes D / C times longer; the slot's slowdown is the worst resource's, and the horizon's is the mean over slots.
 * Memory overcommit is charged the same ratio (a stand-in for paging). 1.0 means no interference.
 */
export function processorSharingSlowdown(
  slotDemand: readonly Record<Resource, number>[],
  node: Pick<NodeCapacity, Resource>,
): number {
  if (slotDemand.length === 0) return 1;
  let sum = 0;
  for (const d of slotDemand) {
    let worst = 1;
    for (const r of RESOURCE_ORDER) if (node[r] > 0) worst = Math.max(worst, d[r] / node[r]);
    sum += worst;
  }
  return sum / slotDemand.length;
}
