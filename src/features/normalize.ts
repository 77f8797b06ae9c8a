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
 * Standardizes `values[offset + j]` for j in [from, to) in place with feature j's statistics, clamping to the
 * training range first when `stats` has one. The one loop both entry points below use; the bounds are looked up once
 * per call, not per element (a per-element helper had cost 2.6 ms of a 2,000-row batch, a tenth of the prediction).
 */
function standardizeSpan(values: Float32Array, offset: number, stats: NormalizationStats, from: number, to: number): void {
  const { mean, std } = stats;
  const lo = stats.min && stats.max ? stats.min : null;
  const hi = lo ? stats.max! : null;
  for (let j = from; j < to; j++) {
    let v = values[offset + j]!;
    if (lo) v = v < lo[j]! ? lo[j]! : v > hi![j]! ? hi![j]! : v;
    values[offset + j] = (v - mean[j]!) / std[j]!;
  }
}

/** Normalizes features from … to − 1 of one row in place (the columns of the same indices in `stats`). */
export function normalizeRange(row: Float32Array, stats: NormalizationStats, from: number, to: number): void {
  standardizeSpan(row, 0, stats, from, to);
}

/** Normalizes `matrix` in place with saved statistics. */
export function applyNormalization(matrix: Float32Array, stats: NormalizationStats): Float32Array {
  const width = stats.mean.length;
  if (matrix.length % width !== 0) throw new RangeError(`matrix length ${matrix.length} is not a multiple of ${width}`);
  for (let row = 0; row < matrix.length; row += width) standardizeSpan(matrix, row, stats, 0, width);
  return matrix;
}
