import {
  INTERFERENCE_FEATURE_NAMES,
  INTERFERENCE_QUANTILES,
  OWN_FEATURES,
  addToSums,
  interferenceFeaturesFromSums,
  nodeTotal,
  ownFeaturesInto,
  totalFeaturesInto,
  sumsOf,
  type DemandQuantiles,
  type DemandSums,
} from '../features/interference.js';
import { Normalizer, type NormalizationStats } from '../features/normalize.js';
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

/** What the features of one workload read: node capacity (3), own demand and declaration (5), the totals (5). */
const MEMO_KEY = 13;
/** The part of the key the own features read (node capacity and own demand): the first OWN_KEY entries. */
const OWN_KEY = 8;

interface Memo {
  keys: Float64Array;
  values: [SlowdownQuantiles | null, SlowdownQuantiles | null];
  next: number;
  ownKey: Float64Array;
  ownPart: Float32Array | null;
}

function memoKey(out: Float64Array, own: DemandQuantiles, node: NodeCapacity, total: DemandSums): void {
  out[0] = node.cpu;
  out[1] = node.memory;
  out[2] = node.network;
  out[3] = own.cpu.mean;
  out[4] = own.memory.mean;
  out[5] = own.network.mean;
  out[6] = own.declared.cpu;
  out[7] = own.declared.memory;
  out[8] = total.count;
  out[9] = total.cpuMean;
  out[10] = total.memoryMean;
  out[11] = total.networkMean;
  out[12] = total.memoryTraffic;
}

function sameKey(keys: Float64Array, offset: number, key: Float64Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (keys[offset + i] !== key[i]) return false;
  return true;
}

/** The head's outputs (slowdown − 1 at the median and the upper quantile) as slowdowns. */
function toQuantiles(out: Float32Array): SlowdownQuantiles {
  const median = Math.max(0, out[0] ?? 0);
  return { median: 1 + median, upper: 1 + Math.max(median, out[OUTPUTS - 1] ?? 0) };
}

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
  private readonly memo = new WeakMap<DemandView, Memo>();
  private readonly key = new Float64Array(MEMO_KEY);
  /** Scratch first-layer vectors: the candidate's own part, the totals with and without it, their sum. */
  private readonly candidatePart: Float32Array;
  private readonly withPart: Float32Array;
  private readonly withoutPart: Float32Array;
  private readonly pre: Float32Array;
  private readonly normalizer: Normalizer;

  constructor(
    readonly version: string,
    private readonly head: DenseStack,
    private readonly normalization: NormalizationStats,
  ) {
    if (head.inputWidth !== WIDTH) throw new RangeError(`interference head takes ${head.inputWidth} inputs, spec has ${WIDTH}`);
    if (head.outputWidth !== OUTPUTS) throw new RangeError(`interference head has ${head.outputWidth} outputs, expected ${OUTPUTS}`);
    this.normalizer = new Normalizer(normalization);
    const units = head.firstUnits;
    this.candidatePart = new Float32Array(units);
    this.withPart = new Float32Array(units);
    this.withoutPart = new Float32Array(units);
    this.pre = new Float32Array(units);
  }

  static fromData(data: InterferenceHeadData): TfjsInterferenceModel {
    return new TfjsInterferenceModel(data.version, DenseStack.fromLayers(data.layers), data.normalization);
  }

  toData(): InterferenceHeadData {
    return { version: this.version, layers: this.head.toLayers(), normalization: this.normalization };
  }

  /**
   * Slowdown quantiles of `own` on `node` when the node's total demand, own included, is `total`, by the plain
   * forward pass: the reference offline evaluation uses. Serving computes the same network in two parts (`fromParts`),
   * equal up to float32 rounding (test/model/interferenceHead.test.ts).
   */
  quantiles(own: DemandQuantiles, node: NodeCapacity, total: DemandSums): SlowdownQuantiles {
    interferenceFeaturesFromSums(own, node, total, this.row, 0);
    this.normalizer.apply(this.row);
    return toQuantiles(this.head.forward(this.row));
  }

  /** The first layer's part from the own features of `own` on `node` (bias included), into `out`. */
  private ownPart(own: DemandQuantiles, node: NodeCapacity, out: Float32Array): Float32Array {
    ownFeaturesInto(own, node, this.row, 0);
    this.normalizer.applyRange(this.row, 0, OWN_FEATURES);
    return this.head.firstLayerPart(this.row, 0, OWN_FEATURES, true, out);
  }

  /** The first layer's part from the node's totals, into `out`. */
  private totalPart(total: DemandSums, node: NodeCapacity, out: Float32Array): Float32Array {
    totalFeaturesInto(total, node, this.row, OWN_FEATURES);
    this.normalizer.applyRange(this.row, OWN_FEATURES, WIDTH);
    return this.head.firstLayerPart(this.row, OWN_FEATURES, WIDTH, false, out);
  }

  /** Quantiles from the two parts of the first layer's pre-activation. */
  private fromParts(own: Float32Array, total: Float32Array): SlowdownQuantiles {
    const pre = this.pre;
    for (let j = 0; j < pre.length; j++) pre[j] = own[j]! + total[j]!;
    return toQuantiles(this.head.forwardFromFirst(pre));
  }

  /**
   * The quantiles of a co-runner next to totals whose first-layer part is `totalPart`, remembered per co-runner view:
   * placement asks for the same co-runner on the same node with the same node totals over and over (once per
   * candidate it considers there, and again without the candidate), and re-scheduling asks for every resident with
   * and without each other one. Each view keeps its own first-layer part and its last two answers (the least recently
   * used is replaced), each with every input the features read (node capacity, the view's demand, the totals); a
   * hit needs all of them equal, so the answer is what the computation would give.
   */
  private coRunnerQuantiles(view: DemandView, own: DemandQuantiles, node: NodeCapacity, total: DemandSums, totalPart: Float32Array): SlowdownQuantiles {
    let memo = this.memo.get(view);
    if (memo === undefined) {
      memo = { keys: new Float64Array(2 * MEMO_KEY), values: [null, null], next: 0, ownKey: new Float64Array(OWN_KEY), ownPart: null };
      this.memo.set(view, memo);
    }
    const key = this.key;
    memoKey(key, own, node, total);
    for (let slot = 0; slot < 2; slot++) {
      const value = memo.values[slot];
      if (value !== null && value !== undefined && sameKey(memo.keys, slot * MEMO_KEY, key, MEMO_KEY)) {
        memo.next = 1 - slot; // least recently used goes first
        return value;
      }
    }
    if (memo.ownPart === null || !sameKey(memo.ownKey, 0, key, OWN_KEY)) {
      memo.ownPart = this.ownPart(own, node, memo.ownPart ?? new Float32Array(this.head.firstUnits));
      memo.ownKey.set(key.subarray(0, OWN_KEY));
    }
    const value = this.fromParts(memo.ownPart, totalPart);
    const slot = memo.next;
    memo.keys.set(key, slot * MEMO_KEY);
    memo.values[slot] = value;
    memo.next = 1 - slot;
    return value;
  }

  /** Median slowdown (≥ 1) of `own` next to `co` on `node`. */
  slowdown(own: DemandQuantiles, node: NodeCapacity, co: readonly DemandQuantiles[]): number {
    return this.quantiles(own, node, nodeTotal(own, co)).median;
  }

  /**
   * The node's tail (highest upper-quantile slowdown of anyone, everyone there) and, for each resident r, an upper
   * bound on the median slowdown it adds to the rest: Σ_{j≠r} (median_j with everyone − 1). It holds because what r
   * adds to j is median_j with r minus median_j without r, and a median slowdown is never below 1.
   */
  residentBounds(views: readonly DemandView[], node: NodeCapacity, out: Float64Array): number {
    const demands = views.map(demandOf);
    const total = sumsOf(demands);
    const totalPart = this.totalPart(total, node, this.withPart);
    let tail = 0;
    let excess = 0;
    for (let r = 0; r < views.length; r++) {
      const q = this.coRunnerQuantiles(views[r]!, demands[r]!, node, total, totalPart);
      tail = Math.max(tail, q.upper);
      out[r] = q.median - 1;
      excess += q.median - 1;
    }
    for (let r = 0; r < views.length; r++) out[r] = excess - out[r]!;
    return tail;
  }

  estimate(candidate: DemandView, node: NodeCapacity, coRunners: readonly DemandView[]): InterferenceEstimate {
    const own = demandOf(candidate);
    const co = coRunners.map(demandOf);
    const without = sumsOf(co);
    const withCandidate = { ...without };
    addToSums(withCandidate, own, 1);
    const withPart = this.totalPart(withCandidate, node, this.withPart);
    const withoutPart = this.totalPart(without, node, this.withoutPart);
    const mine = this.fromParts(this.ownPart(own, node, this.candidatePart), withPart);
    let tail = mine.upper;
    const addedSlowdown = co.map((runner, j) => {
      const after = this.coRunnerQuantiles(coRunners[j]!, runner, node, withCandidate, withPart);
      const before = this.coRunnerQuantiles(coRunners[j]!, runner, node, without, withoutPart);
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
