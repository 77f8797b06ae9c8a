import { INTERFERENCE_FEATURE_NAMES, interferenceFeaturesInto, type DemandQuantiles } from '../features/interference.js';
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

/** Components are reported on these scales (fractions of capacity): below `low` they are 0, above `high` 1. */
const CONTENTION_RANGE = { low: 0.8, high: 1.2 } as const;

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function demandOf(view: DemandView): DemandQuantiles {
  const p = view.prediction;
  return { cpu: p.cpu, memory: p.memory, network: p.network };
}

/**
 * The engine's InterferenceModel backed by the trained interference head. The head predicts slowdown − 1 of a
 * workload from its own predicted demand and its node's co-located demand. `addedSlowdown[j]` is the head's
 * slowdown of co-runner j with the candidate minus without it (never negative).
 */
export class TfjsInterferenceModel implements InterferenceModel {
  private readonly row = new Float32Array(WIDTH);

  constructor(
    readonly version: string,
    private readonly head: DenseStack,
    private readonly normalization: NormalizationStats,
  ) {
    if (head.inputWidth !== WIDTH) throw new RangeError(`interference head takes ${head.inputWidth} inputs, spec has ${WIDTH}`);
  }

  static fromData(data: InterferenceHeadData): TfjsInterferenceModel {
    return new TfjsInterferenceModel(data.version, DenseStack.fromLayers(data.layers), data.normalization);
  }

  toData(): InterferenceHeadData {
    return { version: this.version, layers: this.head.toLayers(), normalization: this.normalization };
  }

  /** Predicted slowdown (≥ 1) of `own` next to `co` on `node`. */
  slowdown(own: DemandQuantiles, node: NodeCapacity, co: readonly DemandQuantiles[]): number {
    interferenceFeaturesInto(own, node, co, this.row, 0);
    applyNormalization(this.row, this.normalization);
    const out = this.head.forward(this.row)[0] ?? 0;
    return 1 + Math.max(0, out);
  }

  estimate(candidate: DemandView, node: NodeCapacity, coRunners: readonly DemandView[]): InterferenceEstimate {
    const own = demandOf(candidate);
    const co = coRunners.map(demandOf);
    const candidateSlowdown = this.slowdown(own, node, co);
    const addedSlowdown = co.map((runner, j) => {
      const others = co.filter((_, k) => k !== j);
      const withCandidate = this.slowdown(runner, node, [...others, own]);
      const without = this.slowdown(runner, node, others);
      return Math.max(0, withCandidate - without);
    });
    return { candidateSlowdown, addedSlowdown, components: components(own, node, co) };
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
