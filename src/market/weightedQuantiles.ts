/**
 * Weighted mean and empirical quantiles of small samples without per-call allocation: the caller loads values and
 * weights into typed arrays, and indices are sorted by insertion sort, which beats Array.prototype.sort with a
 * comparator for the tens of feedback samples an instance carries. Runs once per instance and resource per round.
 */

let order = new Int32Array(64);

export interface WeightedSummary {
  mean: number;
  p95: number;
  p99: number;
  totalWeight: number;
}

/** Summarizes values[0..n) weighed by weights[0..n) into `out`. */
export function weightedSummary(values: Float64Array, weights: Float64Array, n: number, out: WeightedSummary): WeightedSummary {
  if (order.length < n) order = new Int32Array(2 * n);
  let wSum = 0;
  let wMean = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const w = weights[i]!;
    wSum += w;
    wMean += w * v;
    let j = i - 1;
    while (j >= 0 && values[order[j]!]! > v) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = i;
  }
  out.totalWeight = wSum;
  out.mean = wSum > 0 ? wMean / wSum : 0;
  out.p95 = quantileAt(values, weights, n, wSum, 0.95);
  out.p99 = quantileAt(values, weights, n, wSum, 0.99);
  return out;
}

/** The smallest value whose cumulative weight reaches q of the total. */
function quantileAt(values: Float64Array, weights: Float64Array, n: number, total: number, q: number): number {
  let acc = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    acc += weights[i]!;
    if (acc >= q * total) return values[i]!;
  }
  return n > 0 ? values[order[n - 1]!]! : 0;
}
