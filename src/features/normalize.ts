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

/** The standardized value of raw feature `j` (clamped to the training range when `stats` has one). */
function standardize(v: number, stats: NormalizationStats, j: number): number {
  const x = stats.min && stats.max ? Math.min(stats.max[j]!, Math.max(stats.min[j]!, v)) : v;
  return (x - stats.mean[j]!) / stats.std[j]!;
}

/** Normalizes features from … to − 1 of one row in place (the columns of the same indices in `stats`). */
export function normalizeRange(row: Float32Array, stats: NormalizationStats, from: number, to: number): void {
  for (let i = from; i < to; i++) row[i] = standardize(row[i]!, stats, i);
}

/** Normalizes `matrix` in place with saved statistics. */
export function applyNormalization(matrix: Float32Array, stats: NormalizationStats): Float32Array {
  const width = stats.mean.length;
  if (matrix.length % width !== 0) throw new RangeError(`matrix length ${matrix.length} is not a multiple of ${width}`);
  // Row by column with the bounds hoisted: standardize() per element (a modulo and two lookups more) cost 2.6 ms on a
  // 2,000-row batch, a tenth of the whole prediction.
  const lo = stats.min ?? null;
  const hi = stats.max ?? null;
  for (let row = 0; row < matrix.length; row += width) {
    for (let j = 0; j < width; j++) {
      let v = matrix[row + j]!;
      if (lo && hi) v = v < lo[j]! ? lo[j]! : v > hi[j]! ? hi[j]! : v;
      matrix[row + j] = (v - stats.mean[j]!) / stats.std[j]!;
    }
  }
  return matrix;
}
