import {
  INTERFERENCE_FEATURE_NAMES,
  INTERFERENCE_QUANTILES,
  addToSums,
  interferenceFeaturesFromSums,
  sumsOf,
  type DemandQuantiles,
  type DemandSums,
} from '../features/interference.js';
import { applyNormalization, type NormalizationStats } from '../features/normalize.js';
import type {
  DemandView,
  InterferenceComponents,
  InterferenceEstimate,
  InterferenceModel,
  NodeCapacity,
} from '../market/types.js';
import { DenseStack, type DenseLayer } from './dense.js';

/** A TfjsInterferenceModel as plain, structured-cloneable data (its head is plain-JS dense weights, no tfjs). */
export interface InterferenceHeadData {
  version: string;
  layers: DenseLayer[];
  normalization: NormalizationStats;
}

const WIDTH = INTERFERENCE_FEATURE_NAMES.length;
/** The head's outputs: quantiles of slowdown − 1 (INTERFERENCE_QUANTILES), the median first, the QoS quantile last. */
const OUTPUTS = INTERFERENCE_QUANTILES.length;

/** Components are reported on these scales (fractions of capacity): below `low` they are 0, above `high` 1. */
const CONTENTION_RANGE = { low: 0.8, high: 1.2 } as const;

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function demandOf(view: DemandView): DemandQuantiles {
  const p = view.prediction;
  return { cpu: p.cpu, memory: p.memory, network: p.network, declared: { cpu: view.profile.cpu.avg, memory: view.profile.memory.avg } };
}

/** Median and upper-quantile slowdown of one workload (≥ 1, upper ≥ median). */
export interface SlowdownQuantiles {
  median: number;
  upper: number;
}

/**
 * The engine's InterferenceModel backed by the trained interference head, which predicts the median and the 0.9
 * quantile of a workload's slowdown − 1 from its own predicted demand, its node and the node's total demand.
 * - `candidateSlowdown`: the candidate's median slowdown on the node;
 * - `addedSlowdown[j]`: co-runner j's median slowdown with the candidate minus without it (never negative);
 * - `tailSlowdown`: the highest upper-quantile slowdown of anyone on the node (the candidate and every co-runner)
 *   once the candidate is there, which placement keeps under the QoS limit.
 */
export class TfjsInterferenceModel implements InterferenceModel {
  readonly upperQuantile = INTERFERENCE_QUANTILES[INTERFERENCE_QUANTILES.length - 1]!;
  private readonly row = new Float32Array(WIDTH);

  constructor(
    readonly version: string,
    private readonly head: DenseStack,
    private readonly normalization: NormalizationStats,
  ) {
    if (head.inputWidth !== WIDTH) throw new RangeError(`interference head takes ${head.inputWidth} inputs, spec has ${WIDTH}`);
    if (head.outputWidth !== OUTPUTS) throw new RangeError(`interference head has ${head.outputWidth} outputs, expected ${OUTPUTS}`);
  }

  static fromData(data: InterferenceHeadData): TfjsInterferenceModel {
    return new TfjsInterferenceModel(data.version, DenseStack.fromLayers(data.layers), data.normalization);
  }

  toData(): InterferenceHeadData {
    return { version: this.version, layers: this.head.toLayers(), normalization: this.normalization };
  }

  /** Slowdown quantiles of `own` on `node` when the node's total demand, own included, is `total`. */
  quantiles(own: DemandQuantiles, node: NodeCapacity, total: DemandSums): SlowdownQuantiles {
    interferenceFeaturesFromSums(own, node, total, this.row, 0);
    applyNormalization(this.row, this.normalization);
    const out = this.head.forward(this.row);
    const median = Math.max(0, out[0] ?? 0);
    return { median: 1 + median, upper: 1 + Math.max(median, out[OUTPUTS - 1] ?? 0) };
  }

  /** Median slowdown (≥ 1) of `own` next to `co` on `node`. */
  slowdown(own: DemandQuantiles, node: NodeCapacity, co: readonly DemandQuantiles[]): number {
    const total = sumsOf(co);
    addToSums(total, own, 1);
    return this.quantiles(own, node, total).median;
  }

  estimate(candidate: DemandView, node: NodeCapacity, coRunners: readonly DemandView[]): InterferenceEstimate {
    const own = demandOf(candidate);
    const co = coRunners.map(demandOf);
    const without = sumsOf(co);
    const withCandidate = { ...without };
    addToSums(withCandidate, own, 1);
    const mine = this.quantiles(own, node, withCandidate);
    let tail = mine.upper;
    const addedSlowdown = co.map((runner) => {
      const after = this.quantiles(runner, node, withCandidate);
      const before = this.quantiles(runner, node, without);
      tail = Math.max(tail, after.upper);
      return Math.max(0, after.median - before.median);
    });
    return { candidateSlowdown: mine.median, addedSlowdown, tailSlowdown: tail, components: components(own, node, co) };
  }
}

/**
 * Descriptive components (not learned): contention = aggregate p95 over CPU and memory against capacity mapped
 * from [0.8, 1.2] to [0, 1]; cache thrashing = product of the candidate's and co-runners' memory shares (both
 * memory-heavy → high), scaled ×4 so two half-node memory users give 1; congestion = aggregate network p95 share.
 */
function components(own: DemandQuantiles, node: NodeCapacity, co: readonly DemandQuantiles[]): InterferenceComponents {
  const total = (r: 'cpu' | 'memory' | 'network', q: 'mean' | 'p95') =>
    own[r][q] + co.reduce((sum, c) => sum + c[r][q], 0);
  const share = (value: number, capacity: number) => (capacity > 0 ? value / capacity : 0);
  const peakShare = Math.max(share(total('cpu', 'p95'), node.cpu), share(total('memory', 'p95'), node.memory));
  const coMemory = share(total('memory', 'mean') - own.memory.mean, node.memory);
  return {
    contention: clamp01((peakShare - CONTENTION_RANGE.low) / (CONTENTION_RANGE.high - CONTENTION_RANGE.low)),
    cacheThrashing: clamp01(4 * share(own.memory.mean, node.memory) * coMemory),
    networkCongestion: clamp01(share(total('network', 'p95'), node.network)),
  };
}
