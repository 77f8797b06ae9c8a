/** Small pure statistics used by feature extraction, targets and baselines. Inputs are never mutated. */

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Population standard deviation. */
export function std(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - m) ** 2;
  return values.length === 0 ? Number.NaN : Math.sqrt(sum / values.length);
}

/** Quantile of already-sorted values, linear interpolation between order statistics (R type 7, numpy default). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return sortedQuantile(Float64Array.from(values).sort(), q);
}

export function max(values: ArrayLike<number>): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return values.length === 0 ? Number.NaN : m;
}

/**
 * Time-aware exponentially weighted mean: each step decays the old value by exp(-Δt / τ) with
 * τ = halfLife / ln 2, so irregular sampling weighs by elapsed time, not by row count.
 */
export function ewma(values: ArrayLike<number>, times: ArrayLike<number>, halfLifeMs: number): number {
  if (values.length === 0) return Number.NaN;
  const tau = halfLifeMs / Math.LN2;
  let level = values[0]!;
  // Sampling is nearly always regular, so exp() is computed once per distinct step, not once per sample.
  let lastStep = Number.NaN;
  let keep = 0;
  for (let i = 1; i < values.length; i++) {
    const step = times[i]! - times[i - 1]!;
    if (step !== lastStep) {
      keep = Math.exp(-step / tau);
      lastStep = step;
    }
    level = keep * level + (1 - keep) * values[i]!;
  }
  return level;
}

/** Pinball (quantile) loss of predicting `predicted` for the τ-quantile when `actual` happened. */
export function pinball(actual: number, predicted: number, tau: number): number {
  const diff = actual - predicted;
  return diff >= 0 ? tau * diff : (tau - 1) * diff;
}
