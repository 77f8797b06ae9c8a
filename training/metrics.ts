import { RESOURCE_ORDER } from '../src/features/spec.js';
import { pinball } from '../src/features/stats.js';
import type { Dataset } from './dataset.js';
import { HORIZON_SLOTS, TARGET_WIDTH } from './dataset.js';

/** Targets reported by the evaluation, with the quantile each one estimates (0.5 reads "the mean"). */
export const TARGETS = RESOURCE_ORDER.flatMap((r) => [
  { name: `${r}_mean`, resource: r, head: 0, tau: 0.5 },
  { name: `${r}_p95`, resource: r, head: 1, tau: 0.95 },
  { name: `${r}_p99`, resource: r, head: 2, tau: 0.99 },
]);

export interface TargetMetrics {
  /** Mean |predicted − realized statistic of the horizon| (realized mean, p95 or p99), absolute units. */
  mae: number;
  rmse: number;
  /** Mean pinball loss at the target's τ over every realized sample of each horizon (τ = 0.95 for p95). */
  pinball: number;
  /** Share of realized samples at or under the prediction (for p95, 0.95 is calibrated). */
  coverage: number;
  /** Mean unused headroom, max(0, predicted − sample), over all samples: the capacity a reservation wastes. */
  slack: number;
  /** For cpu_mean only: Resource Central's accuracy over quartile buckets of utilization (of provisioned cores). */
  bucketAccuracy?: number;
}

function bucket(utilization: number): number {
  return Math.min(3, Math.max(0, Math.floor(utilization * 4)));
}

/** Scores predictions (rows × TARGET_WIDTH, absolute units, aligned with `rows`) on the given dataset rows. */
export function scorePredictions(dataset: Dataset, rows: Int32Array, predictions: Float64Array | Float32Array): Record<string, TargetMetrics> {
  const out: Record<string, TargetMetrics> = {};
  for (const target of TARGETS) {
    const ri = RESOURCE_ORDER.indexOf(target.resource);
    const column = ri * 3 + target.head;
    let absSum = 0;
    let sqSum = 0;
    let pinSum = 0;
    let covered = 0;
    let slackSum = 0;
    let samples = 0;
    let bucketHits = 0;
    rows.forEach((row, i) => {
      const predicted = predictions[i * TARGET_WIDTH + column]!;
      const actual = dataset.actual[row * TARGET_WIDTH + column]!;
      absSum += Math.abs(predicted - actual);
      sqSum += (predicted - actual) ** 2;
      const count = dataset.horizonCount[row]!;
      for (let k = 0; k < count; k++) {
        const sample = dataset.horizon[row * 3 * HORIZON_SLOTS + ri * HORIZON_SLOTS + k]!;
        pinSum += pinball(sample, predicted, target.tau);
        if (sample <= predicted) covered += 1;
        slackSum += Math.max(0, predicted - sample);
        samples += 1;
      }
      if (target.name === 'cpu_mean') {
        const capacity = dataset.cpuCapacity[row]!;
        if (bucket(predicted / capacity) === bucket(actual / capacity)) bucketHits += 1;
      }
    });
    const n = rows.length;
    out[target.name] = {
      mae: absSum / n,
      rmse: Math.sqrt(sqSum / n),
      pinball: pinSum / samples,
      coverage: covered / samples,
      slack: slackSum / samples,
      ...(target.name === 'cpu_mean' ? { bucketAccuracy: bucketHits / n } : {}),
    };
  }
  return out;
}
