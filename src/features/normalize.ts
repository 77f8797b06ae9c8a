/**
 * Z-score normalization. Statistics are computed on the training split only and saved in the model's manifest;
 * serving applies the saved statistics (never statistics of the live batch), the mistake tfjs-examples'
 * baseball-node makes and this module exists to prevent.
 */
export interface NormalizationStats {
  mean: number[];
  std: number[];
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

/** Normalizes features from … to − 1 of one row in place (the columns of the same indices in `stats`). */
export function normalizeRange(row: Float32Array, stats: NormalizationStats, from: number, to: number): void {
  for (let i = from; i < to; i++) row[i] = (row[i]! - stats.mean[i]!) / stats.std[i]!;
}

/** Normalizes `matrix` in place with saved statistics. */
export function applyNormalization(matrix: Float32Array, stats: NormalizationStats): Float32Array {
  const width = stats.mean.length;
  if (matrix.length % width !== 0) throw new RangeError(`matrix length ${matrix.length} is not a multiple of ${width}`);
  for (let i = 0; i < matrix.length; i++) {
    const j = i % width;
    matrix[i] = (matrix[i]! - stats.mean[j]!) / stats.std[j]!;
  }
  return matrix;
}
