/**
 * Split-conformal calibration of the quantile heads, for the model and, by the same procedure, for every baseline
 * (the "calibrated baselines" of the evaluation). A shift per quantile head and resource, in ratio-to-scale units, is
 * added to the raw prediction (src/model/utilization.ts `calibrateRatios`); mean heads are not shifted.
 *
 * The rule, fixed before any test row is scored and never looking at one: the shift is the split-conformal
 * quantile, at the nominal level (0.95 for p95, 0.99 for p99), of the residuals (realized sample − prediction) of
 * every horizon sample of the validation rows. What makes it hold on later days is the validation block itself:
 * on a temporal split it is the last whole week of the training period (training/split.ts), because a block of a
 * few days that falls on a weekend under-covers the weekdays after it (docs/model-card.md, development split).
 */
import { OUTPUT_NAMES, RESOURCE_ORDER } from '../src/features/spec.js';
import { BASELINE_NAMES } from './baselines.js';
import { HORIZON_SLOTS, TARGET_WIDTH, type Dataset } from './dataset.js';
import type { Split } from './split.js';

/** The quantile heads a conformal shift calibrates (OUTPUT_HEADS index, nominal level). */
export const QUANTILE_HEADS = [
  [1, 0.95],
  [2, 0.99],
] as const;

/** How a predictor was calibrated; per output in OUTPUT_NAMES order (mean heads: level 0, shift 0). */
export interface Calibration {
  rule: 'split-conformal, nominal level, validation rows';
  levels: number[];
  shifts: number[];
  /** Validation rows and horizon samples the shifts come from. */
  validationRows: number;
}

export const CALIBRATION_RULE: Calibration['rule'] = 'split-conformal, nominal level, validation rows';

/** A predictor's uncalibrated estimates for rows, in ratio-to-scale units (rows × TARGET_WIDTH). */
export type RatioSource = (rows: Int32Array) => ArrayLike<number>;

/**
 * The split-conformal quantile of n residuals at `level`: the ⌈(n + 1)·level⌉-th smallest (the largest when that
 * rank exceeds n). Adding it to a prediction covers a new exchangeable sample with probability ≥ level.
 */
export function conformalQuantile(sortedResiduals: Float64Array, level: number): number {
  const n = sortedResiduals.length;
  if (n === 0) return 0;
  // The 1e-9 keeps a level computed as rank / (n + 1) on that rank despite rounding in the product.
  const rank = Math.min(n, Math.ceil((n + 1) * level - 1e-9));
  return sortedResiduals[Math.max(0, rank - 1)]!;
}

/** Share of sorted residuals ≤ shift: the coverage a prediction shifted by `shift` has on those samples. */
export function coverageAt(sortedResiduals: Float64Array, shift: number): number {
  let lo = 0;
  let hi = sortedResiduals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedResiduals[mid]! <= shift) lo = mid + 1;
    else hi = mid;
  }
  return sortedResiduals.length === 0 ? 1 : lo / sortedResiduals.length;
}

/**
 * Residuals (realized sample − predicted quantile, in ratio-to-scale units) of one resource's quantile head over
 * every horizon sample of `rows`, sorted. `ratios` holds the rows' raw predictions (rows × TARGET_WIDTH).
 */
export function headResiduals(dataset: Dataset, rows: Int32Array, ratios: ArrayLike<number>, resource: number, head: number): Float64Array {
  let total = 0;
  for (const row of rows) total += dataset.horizonCount[row]!;
  const out = new Float64Array(total);
  let k = 0;
  rows.forEach((row, i) => {
    const scale = dataset.scales[row * 3 + resource]!;
    const predicted = ratios[i * TARGET_WIDTH + resource * 3 + head]!;
    const base = row * 3 * HORIZON_SLOTS + resource * HORIZON_SLOTS;
    for (let s = 0; s < dataset.horizonCount[row]!; s++) out[k++] = dataset.horizon[base + s]! / scale - predicted;
  });
  return out.sort();
}

/** Calibrates one predictor on `parts.validation`; `ratios` gives its raw estimates for dataset rows. */
export function calibrate(dataset: Dataset, parts: Split, ratios: RatioSource): Calibration {
  if (parts.validation.length === 0) throw new Error('no validation rows to calibrate on');
  const levels = new Array<number>(OUTPUT_NAMES.length).fill(0);
  const shifts = new Array<number>(OUTPUT_NAMES.length).fill(0);
  const validation = ratios(parts.validation);
  RESOURCE_ORDER.forEach((_, r) => {
    for (const [head, nominal] of QUANTILE_HEADS) {
      levels[r * 3 + head] = nominal;
      shifts[r * 3 + head] = conformalQuantile(headResiduals(dataset, parts.validation, validation, r, head), nominal);
    }
  });
  return { rule: CALIBRATION_RULE, levels, shifts, validationRows: parts.validation.length };
}

/** A baseline's estimates for `rows` in ratio-to-scale units (rows × TARGET_WIDTH), as the model's heads are. */
export function baselineRatios(dataset: Dataset, name: string, rows: Int32Array): Float64Array {
  const estimates = dataset.baselines[name];
  if (!estimates) throw new Error(`no baseline ${name}`);
  const out = new Float64Array(rows.length * TARGET_WIDTH);
  rows.forEach((row, i) => {
    for (let j = 0; j < TARGET_WIDTH; j++) out[i * TARGET_WIDTH + j] = estimates[row * TARGET_WIDTH + j]! / dataset.scales[row * 3 + Math.floor(j / 3)]!;
  });
  return out;
}

/** Every baseline calibrated by the same rule as the model, on the same validation rows. */
export function calibrateBaselines(dataset: Dataset, parts: Split): Record<string, Calibration> {
  return Object.fromEntries(BASELINE_NAMES.map((name) => [name, calibrate(dataset, parts, (rows) => baselineRatios(dataset, name, rows))]));
}
