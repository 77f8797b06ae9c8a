/**
 * Split-conformal calibration of the quantile heads, for the model and, by the same procedure, for every baseline
 * (the "calibrated baselines" of the evaluation). A shift per quantile head and resource, in ratio-to-scale units, is
 * added to the raw prediction (src/model/utilization.ts `calibrateRatios`); mean heads are not shifted.
 *
 * Rules, fixed before any test row is scored and never looking at one:
 * - `nominal`: the shift is the split-conformal quantile, at the nominal level (0.95 for p95, 0.99 for p99), of the
 *   residuals (realized sample − prediction) of every horizon sample of the validation rows.
 * - `drift` (temporal splits): the validation days precede the test days, and coverage measured on them can
 *   overstate coverage on the days after (drift, or a validation block that falls on quieter days of the week). The
 *   rule measures that inside the training period: on the development split (the temporal split of the training
 *   period alone, training/split.ts `innerSplit`) the predictor as fitted there is calibrated on the development
 *   validation block, and the level L is the smallest at which that calibration covers the nominal share of the
 *   development test block's samples (never below nominal). The final shift is the conformal quantile at L of the
 *   real validation residuals. Test data plays no part; the development test block lies inside the training period.
 */
import { OUTPUT_NAMES, RESOURCE_ORDER } from '../src/features/spec.js';
import { BASELINE_NAMES } from './baselines.js';
import { HORIZON_SLOTS, TARGET_WIDTH, type Dataset } from './dataset.js';
import { innerSplit, type Split } from './split.js';

export const CALIBRATION_RULES = ['nominal', 'drift'] as const;
export type CalibrationRule = (typeof CALIBRATION_RULES)[number];

/** The quantile heads a conformal shift calibrates (OUTPUT_HEADS index, nominal level). */
export const QUANTILE_HEADS = [
  [1, 0.95],
  [2, 0.99],
] as const;

/** How a predictor was calibrated; per output in OUTPUT_NAMES order (mean heads: level 0, shift 0). */
export interface Calibration {
  rule: CalibrationRule;
  levels: number[];
  shifts: number[];
  /** Drift rule: the development test block's coverage under nominal calibration on the development validation block. */
  developmentCoverageAtNominal?: number[];
}

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
 * The smallest level L ≥ nominal whose conformal shift on `validation` residuals covers at least the nominal share of
 * the `later` residuals (both sorted).
 */
export function driftLevel(validation: Float64Array, later: Float64Array, nominal: number): number {
  const n = validation.length;
  if (n === 0 || later.length === 0) return nominal;
  // The smallest shift that covers the nominal share of the later samples…
  const needed = later[Math.max(0, Math.ceil(later.length * nominal) - 1)]!;
  // …and the smallest level whose conformal quantile reaches it: rank i + 1 of n + 1.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (validation[mid]! < needed) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(nominal, Math.min(1, (lo + 1) / (n + 1)));
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

/**
 * Calibrates one predictor for a split. `current` gives its estimates as fitted for `parts` (its shifts come from
 * `parts.validation`); `development`, for the drift rule, gives its estimates as fitted on the development split of
 * `parts` (the same predictor fitted on less data; for a baseline, the same function).
 */
export function calibrate(
  dataset: Dataset,
  parts: Split,
  rule: CalibrationRule,
  current: RatioSource,
  development: RatioSource | null = null,
): Calibration {
  const levels = new Array<number>(OUTPUT_NAMES.length).fill(0);
  const shifts = new Array<number>(OUTPUT_NAMES.length).fill(0);
  let developmentCoverageAtNominal: number[] | undefined;
  if (rule === 'drift') {
    if (!development) throw new Error('the drift rule needs the predictor as fitted on the development split');
    const dev = innerSplit(dataset, parts);
    if (dev.validation.length === 0 || dev.test.length === 0) throw new Error('the development split has no validation or test rows');
    const devValidation = development(dev.validation);
    const devTest = development(dev.test);
    developmentCoverageAtNominal = new Array<number>(OUTPUT_NAMES.length).fill(1);
    RESOURCE_ORDER.forEach((_, r) => {
      for (const [head, nominal] of QUANTILE_HEADS) {
        const v = headResiduals(dataset, dev.validation, devValidation, r, head);
        const t = headResiduals(dataset, dev.test, devTest, r, head);
        levels[r * 3 + head] = driftLevel(v, t, nominal);
        developmentCoverageAtNominal![r * 3 + head] = coverageAt(t, conformalQuantile(v, nominal));
      }
    });
  } else {
    RESOURCE_ORDER.forEach((_, r) => {
      for (const [head, nominal] of QUANTILE_HEADS) levels[r * 3 + head] = nominal;
    });
  }
  const validation = current(parts.validation);
  RESOURCE_ORDER.forEach((_, r) => {
    for (const [head] of QUANTILE_HEADS) {
      shifts[r * 3 + head] = conformalQuantile(headResiduals(dataset, parts.validation, validation, r, head), levels[r * 3 + head]!);
    }
  });
  return { rule, levels, shifts, ...(developmentCoverageAtNominal ? { developmentCoverageAtNominal } : {}) };
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

/** Every baseline calibrated by the same rule as the model, on the same validation (and development) rows. */
export function calibrateBaselines(dataset: Dataset, parts: Split, rule: CalibrationRule): Record<string, Calibration> {
  return Object.fromEntries(
    BASELINE_NAMES.map((name) => {
      const source: RatioSource = (rows) => baselineRatios(dataset, name, rows);
      return [name, calibrate(dataset, parts, rule, source, source)];
    }),
  );
}
