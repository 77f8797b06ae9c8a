/**
 * Weighted mean and upper empirical quantiles (p95, p99) of small samples without allocation or sorting.
 *
 * The weighted q-quantile is the smallest value v₍ₖ₎ (ascending) whose cumulative weight reaches q·W. Equivalently,
 * walking down from the largest value: keep taking the next largest while the weight strictly above the current
 * position is ≤ (1 − q)·W; the last value taken is the quantile. For q ≥ 0.95 that is one or two max-scans instead of
 * a sort, and it runs once per instance and resource every round.
 */

export interface WeightedSummary {
  mean: number;
  p95: number;
  p99: number;
  totalWeight: number;
}

/** Summarizes values[0..n) weighed by weights[0..n) into `out`. Overwrites `values` (taken entries become −∞). */
export function weightedSummary(values: Float64Array, weights: Float64Array, n: number, out: WeightedSummary): WeightedSummary {
  let wSum = 0;
  let wMean = 0;
  for (let i = 0; i < n; i++) {
    wSum += weights[i]!;
    wMean += weights[i]! * values[i]!;
  }
  out.totalWeight = wSum;
  out.mean = wSum > 0 ? wMean / wSum : 0;
  if (n === 0) {
    out.p95 = 0;
    out.p99 = 0;
    return out;
  }
  // Walk down from the top while the weight above the current value fits the allowance (1 − q)·W: the last value
  // taken within an allowance is that quantile. Once the p95 allowance is exceeded neither can change.
  const allow99 = 0.01 * wSum;
  const allow95 = 0.05 * wSum;
  let above = 0;
  for (let taken = 0; taken < n && above <= allow95; taken++) {
    let at = 0;
    for (let i = 1; i < n; i++) if (values[i]! > values[at]!) at = i;
    const v = values[at]!;
    values[at] = -Infinity;
    if (above <= allow99) out.p99 = v;
    out.p95 = v;
    above += weights[at]!;
  }
  return out;
}
