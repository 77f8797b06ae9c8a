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

/** Mean of values[from, to), summed in the same order as `mean` of that slice (so the same bits). */
export function rangeMean(values: ArrayLike<number>, from: number, to: number): number {
  if (to <= from) return Number.NaN;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum / (to - from);
}

/**
 * Largest of values[from, to) as the last element of a sorted copy would be: +0 above −0 (Math.max's order, the
 * typed-array sort's order) and NaN when any value is NaN.
 */
export function rangeMax(values: ArrayLike<number>, from: number, to: number): number {
  if (to <= from) return Number.NaN;
  let m = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) m = Math.max(m, values[i]!);
  return m;
}

/** Scratch space for `rangeQuantile`, grown on demand and reused, so a quantile allocates nothing. */
let scratch = new Float64Array(512);

/**
 * `sortedQuantile(sorted copy of values[from, to), q)` without sorting: the two order statistics the
 * interpolation needs are found by selection (expected linear time) in a reused scratch buffer. The result has
 * the same bits as the sorted version: the interpolation is the same expression over the same two values (where a
 * selected zero may carry the other sign than the sorted one, the formula's result does not depend on it). A NaN
 * among the values (never produced by the trace readers or accepted feedback) falls back to the sort.
 */
export function rangeQuantile(values: ArrayLike<number>, from: number, to: number, q: number): number {
  oneQ[0] = q;
  rangeQuantilesInto(values, from, to, oneQ, oneOut, 0);
  return oneOut[0]!;
}
/** The one-element arguments of `rangeQuantile`, reused (the functions here are synchronous). */
const oneQ = [0];
const oneOut = [Number.NaN];

/**
 * Several quantiles of values[from, to) at once (`qs` ascending), written to out[offset…], each with the bits of
 * `rangeQuantile`: every selection after the first only searches the part right of the previous one.
 */
export function rangeQuantilesInto(
  values: ArrayLike<number>,
  from: number,
  to: number,
  qs: readonly number[],
  out: { [index: number]: number },
  offset: number,
): void {
  const n = to - from;
  if (n <= 0) {
    for (let j = 0; j < qs.length; j++) out[offset + j] = Number.NaN;
    return;
  }
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  const a = scratch;
  let nan = false;
  for (let i = 0; i < n; i++) {
    const v = values[from + i]!;
    a[i] = v;
    if (v !== v) nan = true;
  }
  if (nan) {
    const sorted = a.slice(0, n).sort();
    for (let j = 0; j < qs.length; j++) out[offset + j] = sortedQuantile(sorted, qs[j]!);
    return;
  }
  let left = 0;
  for (let j = 0; j < qs.length; j++) {
    const position = (n - 1) * qs[j]!;
    const lower = Math.floor(position);
    if (lower < left) throw new RangeError('rangeQuantilesInto needs ascending quantiles');
    const low = selectInPlace(a, left, n - 1, lower);
    let high = low;
    if (lower + 1 < n) {
      // After selection every element right of `lower` is ≥ a[lower]; the next order statistic is their minimum.
      high = a[lower + 1]!;
      for (let i = lower + 2; i < n; i++) if (a[i]! < high) high = a[i]!;
    }
    out[offset + j] = low + (high - low) * (position - lower);
    left = lower;
  }
}

/**
 * Hoare's FIND (quickselect) over a[left, right]: rearranges it so that a[k] is its (k − left)-th smallest value,
 * everything left of k ≤ a[k] and everything right of it ≥ a[k]; returns a[k]. Median-of-three pivots keep sorted,
 * reversed and constant windows (common in utilization traces) linear.
 */
function selectInPlace(a: Float64Array, left: number, right: number, k: number): number {
  while (left < right) {
    const mid = (left + right) >>> 1;
    const x0 = a[left]!;
    const x1 = a[mid]!;
    const x2 = a[right]!;
    const pivot = x0 < x1 ? (x1 < x2 ? x1 : x0 < x2 ? x2 : x0) : x0 < x2 ? x0 : x1 < x2 ? x2 : x1;
    let i = left;
    let j = right;
    do {
      while (a[i]! < pivot) i++;
      while (pivot < a[j]!) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    } while (i <= j);
    if (j < k) left = i;
    if (k < i) right = j;
  }
  return a[k]!;
}
