/**
 * Weighted empirical quantiles of small samples without per-call allocation: values and weights are copied into
 * scratch typed arrays (grown on demand) and index-sorted by insertion sort, which beats Array.prototype.sort with a
 * comparator for the tens of feedback samples an instance carries. Runs once per instance and resource per round.
 */
let values = new Float64Array(64);
let order = new Int32Array(64);

function ensure(n: number): void {
  if (values.length >= n) return;
  let size = values.length;
  while (size < n) size *= 2;
  values = new Float64Array(size);
  order = new Int32Array(size);
}

export interface WeightedSummary {
  mean: number;
  p95: number;
  p99: number;
  totalWeight: number;
}

/** `pick(i)` reads sample i; `weights` (same length) weigh it. Returns the weighted mean, p95 and p99. */
export function weightedSummary(n: number, pick: (i: number) => number, weights: ArrayLike<number>, out: WeightedSummary): WeightedSummary {
  ensure(n);
  let wSum = 0;
  let wMean = 0;
  for (let i = 0; i < n; i++) {
    const v = pick(i);
    values[i] = v;
    const w = weights[i]!;
    wSum += w;
    wMean += w * v;
    // Insertion sort of indices by value.
    let j = i - 1;
    while (j >= 0 && values[order[j]!]! > v) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = i;
  }
  out.totalWeight = wSum;
  out.mean = wSum > 0 ? wMean / wSum : 0;
  out.p95 = quantileAt(n, weights, wSum, 0.95);
  out.p99 = quantileAt(n, weights, wSum, 0.99);
  return out;
}

/** The smallest value whose cumulative weight reaches q of the total. */
function quantileAt(n: number, weights: ArrayLike<number>, total: number, q: number): number {
  let acc = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    acc += weights[i]!;
    if (acc >= q * total) return values[i]!;
  }
  return n > 0 ? values[order[n - 1]!]! : 0;
}
