/**
 * Z-score normalization. Statistics are computed on the training split only and saved in the model's manifest;
 * serving applies the saved statistics (never statistics of the live batch), the mistake tfjs-examples'
 * baseball-node makes and this module exists to prevent.
 */
export interface NormalizationStats {
  mean: number[];
  std: number[];
  /**
   * The range of each raw feature over the training rows (`featureRange`). When present, a value outside it is
   * clamped to it before it is standardized: a model is only evidence inside the range it was fitted on, and a
   * network extrapolates linearly and without bound outside it (a burst probability 26 σ above the training mean
   * made the shipped default predict a 32 GiB memory p95 for a 2 GiB workload: docs/model-card.md, "Known limits").
   * A no-op on the training rows themselves, so the model is trained with exactly the inputs it serves with.
   * Absent in manifests written before the range was recorded (models trained before 2026-12-01 19:30 UTC).
   */
  min?: number[];
  max?: number[];
}

/** Smallest std kept: a constant feature (std 0) is centred but not blown up. */
const MIN_STD = 1e-6;

export function fitNormalization(matrix: Float32Array, width: number): NormalizationStats {
  const rows = matrix.length / width;
  const sum = new Float64Array(width);
  const sumSq = new Float64Array(width);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < width; j++) {
      const v = matrix[i * width + j]!;
      sum[j]! += v;
      sumSq[j]! += v * v;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < width; j++) {
    const m = rows > 0 ? sum[j]! / rows : 0;
    mean.push(m);
    std.push(Math.max(MIN_STD, Math.sqrt(Math.max(0, (rows > 0 ? sumSq[j]! / rows : 0) - m * m))));
  }
  return { mean, std };
}

/** Per column, the smallest and largest value of a row-major matrix (NaN-free input assumed, as features are). */
export function featureRange(matrix: Float32Array, width: number): { min: number[]; max: number[] } {
  const min = new Array<number>(width).fill(Number.POSITIVE_INFINITY);
  const max = new Array<number>(width).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < matrix.length; i++) {
    const j = i % width;
    const v = matrix[i]!;
    if (v < min[j]!) min[j] = v;
    if (v > max[j]!) max[j] = v;
  }
  return { min, max };
}

/**
 * Saved statistics compiled for applying: typed columns, the clamping bounds widened to ±∞ when the statistics have
 * no range. Reading the manifest's arrays element by element, and a per-element helper before that, had cost a
 * tenth of a 2,000-row prediction. Build one per statistics object that is applied often (the utilization network
 * and the interference head each hold one); `applyNormalization` builds one per call.
 */
export class Normalizer {
  private readonly mean: Float64Array;
  private readonly std: Float64Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  readonly width: number;

  constructor(stats: NormalizationStats) {
    const ranged = stats.min !== undefined && stats.max !== undefined;
    this.width = stats.mean.length;
    this.mean = Float64Array.from(stats.mean);
    this.std = Float64Array.from(stats.std);
    this.lo = ranged ? Float64Array.from(stats.min!) : new Float64Array(this.width).fill(Number.NEGATIVE_INFINITY);
    this.hi = ranged ? Float64Array.from(stats.max!) : new Float64Array(this.width).fill(Number.POSITIVE_INFINITY);
  }

  /** Normalizes a row-major matrix in place. */
  apply(matrix: Float32Array): Float32Array {
    const width = this.width;
    if (matrix.length % width !== 0) throw new RangeError(`matrix length ${matrix.length} is not a multiple of ${width}`);
    for (let row = 0; row < matrix.length; row += width) this.standardizeSpan(matrix, row, 0, width);
    return matrix;
  }

  /** Normalizes features from … to − 1 of one row in place (the columns of the same indices in the statistics). */
  applyRange(row: Float32Array, from: number, to: number): void {
    this.standardizeSpan(row, 0, from, to);
  }

  /**
   * Standardizes `values[offset + j]` for j in [from, to) in place with feature j's statistics, clamped to the
   * training range first (a no-op with infinite bounds). The one loop both entry points use.
   */
  private standardizeSpan(values: Float32Array, offset: number, from: number, to: number): void {
    const { mean, std, lo, hi } = this;
    for (let j = from; j < to; j++) {
      const v = values[offset + j]!;
      const a = lo[j]!;
      const b = hi[j]!;
      values[offset + j] = ((v < a ? a : v > b ? b : v) - mean[j]!) / std[j]!;
    }
  }
}

/** Normalizes `matrix` in place with saved statistics. */
export function applyNormalization(matrix: Float32Array, stats: NormalizationStats): Float32Array {
  return new Normalizer(stats).apply(matrix);
}
