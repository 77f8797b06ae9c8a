import type { NodeCapacity, Quantiles, Resource } from '../market/types.js';
import { RESOURCE_ORDER } from './spec.js';

/**
 * One workload as the interference head sees it (absolute units): its predicted (or recently observed) demand, and
 * the averages its client declared (cores, MiB), which describe the workload's long-run shape better than an hour
 * of use does (an idle hour says nothing about how memory-bound the work is).
 */
export type DemandQuantiles = Record<Resource, Pick<Quantiles, 'mean' | 'p95'>> & {
  declared: { cpu: number; memory: number };
};

/**
 * The interference head's contract between training and serving, versioned like the utilization features: a
 * manifest records it, and serving refuses a head built for other features (src/model/manifest.ts).
 */
export const INTERFERENCE_SPEC_VERSION = 'parley-interference/2';

/**
 * Quantiles of slowdown − 1 the interference head predicts, in output order: the median (expected interference,
 * for scoring) and the 0.9 quantile (the QoS limit: placement keeps everyone's 0.9 quantile under the limit, so
 * an instance exceeds it in about one step in ten at most, run-to-run noise included).
 */
export const INTERFERENCE_QUANTILES: readonly number[] = [0.5, 0.9];

/**
 * Sums over a set of workloads (a node's residents, with or without one of them) of what the features need. Every
 * feature is a function of one workload's own demand, the node and these sums, so a node's features can be kept
 * up to date by adding and removing workloads, without a pass over its residents.
 */
export interface DemandSums {
  count: number;
  cpuMean: number;
  memoryMean: number;
  networkMean: number;
  /**
   * Σ cpu mean (cores) × declared GiB per declared core: CPU activity weighted by how much memory each unit of it
   * works on, a proxy for the memory traffic the workloads generate together.
   */
  memoryTraffic: number;
}

export function emptySums(): DemandSums {
  return { count: 0, cpuMean: 0, memoryMean: 0, networkMean: 0, memoryTraffic: 0 };
}

const MIB_PER_GIB = 1024;

/** Floors of the per-core ratios: 0.05 cores and 1/8 GiB, below any real VM, so idle workloads stay finite. */
const BUSY_CORES_FLOOR = 0.05;
const GIB_FLOOR = 0.125;

/** Declared GiB per declared core (floored), the workload's long-run memory intensity. */
function declaredGibPerCore(d: DemandQuantiles): number {
  return (Math.max(0, d.declared.memory) / MIB_PER_GIB + GIB_FLOOR) / (Math.max(0, d.declared.cpu) + BUSY_CORES_FLOOR);
}

/** sums += sign · d (sign −1 removes a workload). */
export function addToSums(sums: DemandSums, d: DemandQuantiles, sign: 1 | -1): void {
  sums.count += sign;
  sums.cpuMean += sign * d.cpu.mean;
  sums.memoryMean += sign * d.memory.mean;
  sums.networkMean += sign * d.network.mean;
  sums.memoryTraffic += sign * Math.max(0, d.cpu.mean) * declaredGibPerCore(d);
}

export function sumsOf(demands: readonly DemandQuantiles[]): DemandSums {
  const sums = emptySums();
  for (const d of demands) addToSums(sums, d, 1);
  return sums;
}

/** The node's total demand with `own` among `coRunners`: what the features call `total`. */
export function nodeTotal(own: DemandQuantiles, coRunners: readonly DemandQuantiles[]): DemandSums {
  const total = sumsOf(coRunners);
  addToSums(total, own, 1);
  return total;
}

/**
 * Features of the interference head, for one workload ("own") on a node whose total demand, own included, is
 * `total`. Three groups:
 * - the node's shape: cores, memory per core and network per core (log). Shared caches and memory bandwidth are
 *   per socket, not per GiB, so the same memory use presses a node with few cores per GiB harder;
 * - the workload's own demand as fractions of the node, and its memory per busy core, now and as declared (log): a
 *   workload that touches much memory per unit of CPU is the kind that suffers from cache and memory-bandwidth
 *   contention;
 * - the node's total demand as fractions of capacity, its memory and its memory traffic (CPU activity × declared
 *   memory per core, summed) per core, and the number of co-runners.
 * The head learns from observed slowdown how these map to interference; none of them is a slowdown formula.
 */
export const INTERFERENCE_FEATURE_NAMES: readonly string[] = [
  'node_log_cores',
  'node_log_gib_per_core',
  'node_log_gbps_per_core',
  'own_cpu_mean',
  'own_memory_mean',
  'own_network_mean',
  'own_log_gib_per_busy_core',
  'own_log_declared_gib_per_core',
  'total_cpu_mean',
  'total_memory_mean',
  'total_gib_per_core',
  'total_memory_traffic_per_core',
  'total_network_mean',
  'co_count_log',
];

/** Fraction of capacity, with a node that lacks the resource (capacity 0) read as "no pressure". */
function fraction(value: number, capacity: number): number {
  return capacity > 0 ? value / capacity : 0;
}

/**
 * The first OWN_FEATURES features depend only on the workload and its node, the rest only on the node and its
 * totals; serving computes the two groups apart (a node's totals are shared by everyone on it).
 */
export const OWN_FEATURES = 8;

/** Writes the features of `own` on `node` with the node's total demand `total` (own included) at `offset`. */
export function interferenceFeaturesFromSums(
  own: DemandQuantiles,
  node: Pick<NodeCapacity, Resource>,
  total: DemandSums,
  out: Float32Array,
  offset: number,
): void {
  ownFeaturesInto(own, node, out, offset);
  totalFeaturesInto(total, node, out, offset + OWN_FEATURES);
}

/** Features 0 … OWN_FEATURES − 1: the node's shape and the workload's own demand. */
export function ownFeaturesInto(own: DemandQuantiles, node: Pick<NodeCapacity, Resource>, out: Float32Array, offset: number): void {
  const cores = Math.max(node.cpu, 1e-3);
  let k = offset;
  out[k++] = Math.log(cores);
  out[k++] = Math.log(Math.max(node.memory, 1) / MIB_PER_GIB / cores);
  out[k++] = Math.log(Math.max(node.network, 1) / 1000 / cores);
  out[k++] = fraction(own.cpu.mean, node.cpu);
  out[k++] = fraction(own.memory.mean, node.memory);
  out[k++] = fraction(own.network.mean, node.network);
  out[k++] = Math.log((Math.max(0, own.memory.mean) / MIB_PER_GIB + GIB_FLOOR) / (Math.max(0, own.cpu.mean) + BUSY_CORES_FLOOR));
  out[k++] = Math.log(declaredGibPerCore(own));
}

/** Features OWN_FEATURES …: the node's total demand (own included). */
export function totalFeaturesInto(total: DemandSums, node: Pick<NodeCapacity, Resource>, out: Float32Array, offset: number): void {
  const cores = Math.max(node.cpu, 1e-3);
  let k = offset;
  out[k++] = fraction(total.cpuMean, node.cpu);
  out[k++] = fraction(total.memoryMean, node.memory);
  out[k++] = total.memoryMean / MIB_PER_GIB / cores;
  out[k++] = total.memoryTraffic / cores;
  out[k++] = fraction(total.networkMean, node.network);
  out[k++] = Math.log1p(Math.max(0, total.count - 1));
}

/** The same features from the co-runner list (training, and serving without maintained sums). */
export function interferenceFeaturesInto(
  own: DemandQuantiles,
  node: Pick<NodeCapacity, Resource>,
  coRunners: readonly DemandQuantiles[],
  out: Float32Array,
  offset: number,
): void {
  interferenceFeaturesFromSums(own, node, nodeTotal(own, coRunners), out, offset);
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
