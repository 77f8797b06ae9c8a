import { FEATURE_NAMES, RESOURCE_ORDER } from '../src/features/spec.js';
import { calibrateRatios, type UtilizationNetwork } from '../src/model/utilization.js';
import { gather, TARGET_WIDTH, type Dataset } from './dataset.js';
import { BASELINE_NAMES } from './baselines.js';
import { baselineRatios, type Calibration } from './calibration.js';
import { scorePredictions, TARGETS, type TargetMetrics } from './metrics.js';
import { replayOnline, type RawRatios } from './onlineEvaluation.js';
import { ONLINE_GAIN, P95_TARGET_COVERAGE, type OnlineCalibrationState } from '../src/model/onlineCalibration.js';

/** One reading of "the best baseline": which baseline it is and the model's MAE against it. */
export interface Reading {
  baseline: string;
  mae: number;
  coverage: number;
  /** (model MAE − baseline MAE) / baseline MAE: −0.15 is "15 % below". */
  delta: number | null;
}

/**
 * The readings of "best baseline" for a target: `raw` the lowest-MAE baseline as it stands, `rawCovered` the
 * lowest-MAE one whose coverage reaches the target's level (0.95 for p95), and the same two over the calibrated
 * baselines (`calibrated`, `calibratedCovered`). Mean targets have only `raw` (means are not calibrated).
 */
export const READINGS = ['raw', 'rawCovered', 'calibrated', 'calibratedCovered'] as const;
export type ReadingName = (typeof READINGS)[number];

export interface TargetReport {
  model: TargetMetrics | null;
  /** Each baseline as it stands (the issue's JSON shape). */
  baselines: Record<string, TargetMetrics>;
  /** Each baseline calibrated by the model's procedure (same rule, same validation rows; never test rows). */
  calibratedBaselines?: Record<string, TargetMetrics>;
  /** The model against the best baseline under each reading (absent in reports written before readings existed). */
  readings?: Partial<Record<ReadingName, Reading>>;
}

export interface EvaluationReport {
  model: string | null;
  split: string;
  examples: number;
  instances: number;
  /** How the calibrated baselines were calibrated (rule, and per baseline the levels and shifts). */
  baselineCalibration?: Record<string, Calibration>;
  /**
   * Present when the quantile heads of the model and of the calibrated baselines were recalibrated online over the
   * test rows (training/onlineEvaluation.ts), as a service does from its feedback; `final` is the model's online
   * state at the end of the split.
   */
  onlineRecalibration?: { rule: 'quantile tracking, one step per horizon'; gain: number; targetCoverage: number; final: OnlineCalibrationState | null };
  targets: Record<string, TargetReport>;
}

/** Model predictions in absolute units (rows × TARGET_WIDTH) through the same path serving uses. */
export function modelPredictions(network: UtilizationNetwork, dataset: Dataset, rows: Int32Array): Float64Array {
  const { ratios, reference } = modelRawRatios(network, dataset, rows);
  calibrateRatios(ratios, rows.length, network.manifest.calibration, reference);
  return toAbsolute(dataset, rows, ratios);
}

/** The network's uncalibrated outputs for rows, in batches (what calibration, static or online, is applied to). */
export function modelRawRatios(network: UtilizationNetwork, dataset: Dataset, rows: Int32Array): { ratios: Float32Array; reference: Float32Array } {
  const width = FEATURE_NAMES.length;
  const ratios = new Float32Array(rows.length * TARGET_WIDTH);
  const reference = new Float32Array(rows.length * RESOURCE_ORDER.length);
  const chunk = 8192;
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.subarray(start, Math.min(rows.length, start + chunk));
    const out = network.rawRatios(gather(dataset.features, width, part), part.length);
    ratios.set(out.ratios, start * TARGET_WIDTH);
    reference.set(out.reference, start * RESOURCE_ORDER.length);
  }
  return { ratios, reference };
}

/** Ratios (rows × TARGET_WIDTH) times each row's scale. */
function toAbsolute(dataset: Dataset, rows: Int32Array, ratios: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * TARGET_WIDTH);
  rows.forEach((row, i) => {
    for (let j = 0; j < TARGET_WIDTH; j++) out[i * TARGET_WIDTH + j] = ratios[i * TARGET_WIDTH + j]! * dataset.scales[row * 3 + Math.floor(j / 3)]!;
  });
  return out;
}

/** A baseline's calibrated estimates for rows, in absolute units (rows × TARGET_WIDTH). */
export function calibratedBaselinePredictions(dataset: Dataset, name: string, rows: Int32Array, calibration: Calibration): Float64Array {
  const ratios = baselineRatios(dataset, name, rows);
  calibrateRatios(ratios, rows.length, calibration.shifts);
  return toAbsolute(dataset, rows, ratios);
}

/**
 * Scores the model (when given) and every baseline on the same rows; with `baselineCalibration`, also every baseline
 * calibrated by the model's procedure (training/calibration.ts `calibrateBaselines`). With `online`, the model and the
 * calibrated baselines are recalibrated online over the rows (training/onlineEvaluation.ts), starting from their
 * static calibration; the raw baselines stay as they are.
 */
export function evaluateRows(
  dataset: Dataset,
  rows: Int32Array,
  split: string,
  model: { version: string; network: UtilizationNetwork } | null,
  baselineCalibration: Record<string, Calibration> | null = null,
  { online = false }: { online?: boolean } = {},
): EvaluationReport {
  if (rows.length === 0) throw new Error(`the ${split} split has no test examples`);
  let final: OnlineCalibrationState | null = null;
  const modelEstimates = (network: UtilizationNetwork): Float64Array => {
    if (!online) return modelPredictions(network, dataset, rows);
    const replay = replayOnline(dataset, rows, modelRawRatios(network, dataset, rows), network.manifest.calibration);
    final = replay.final;
    return replay.predictions;
  };
  const baselineEstimates = (name: string, calibration: Calibration): Float64Array => {
    if (!online) return calibratedBaselinePredictions(dataset, name, rows, calibration);
    const raw: RawRatios = { ratios: baselineRatios(dataset, name, rows), reference: null };
    return replayOnline(dataset, rows, raw, calibration.shifts).predictions;
  };
  const modelScores = model ? scorePredictions(dataset, rows, modelEstimates(model.network)) : null;
  const baselineScores = Object.fromEntries(
    BASELINE_NAMES.map((name) => [name, scorePredictions(dataset, rows, gather(dataset.baselines[name]!, TARGET_WIDTH, rows))]),
  );
  const calibratedScores = baselineCalibration
    ? Object.fromEntries(
        BASELINE_NAMES.map((name) => [name, scorePredictions(dataset, rows, baselineEstimates(name, baselineCalibration[name]!))]),
      )
    : null;
  const targets: Record<string, TargetReport> = {};
  for (const t of TARGETS) {
    const report: TargetReport = {
      model: modelScores?.[t.name] ?? null,
      baselines: Object.fromEntries(BASELINE_NAMES.map((b) => [b, baselineScores[b]![t.name]!])),
      // Mean heads are not calibrated: their calibrated baselines would repeat the raw ones.
      ...(calibratedScores && t.head > 0
        ? { calibratedBaselines: Object.fromEntries(BASELINE_NAMES.map((b) => [b, calibratedScores[b]![t.name]!])) }
        : {}),
      readings: {},
    };
    report.readings = readingsOf(t.name, report);
    targets[t.name] = report;
  }
  return {
    model: model?.version ?? null,
    split,
    examples: rows.length,
    instances: new Set(Array.from(rows, (r) => dataset.instance[r])).size,
    ...(baselineCalibration ? { baselineCalibration } : {}),
    ...(online ? { onlineRecalibration: { rule: 'quantile tracking, one step per horizon' as const, gain: ONLINE_GAIN, targetCoverage: P95_TARGET_COVERAGE, final } } : {}),
    targets,
  };
}

/**
 * Coverage a baseline must reach to count as "best" under the covered readings: a p95 estimate that covers 60 % of
 * samples is not a p95 estimate, however small its MAE (last value has the lowest p95 MAE on Bitbrains at ~0.6).
 */
export function requiredCoverage(target: string): number {
  return target.endsWith('_p95') ? 0.95 : target.endsWith('_p99') ? 0.99 : 0;
}

/** Best baseline: lowest MAE among those with coverage ≥ minCoverage (null when none qualifies). */
export function bestOf(baselines: Record<string, TargetMetrics>, minCoverage = 0): [string, TargetMetrics] | null {
  const eligible = Object.entries(baselines).filter(([, m]) => m.coverage >= minCoverage);
  return eligible.length === 0 ? null : eligible.reduce((a, b) => (b[1].mae < a[1].mae ? b : a));
}

function readingsOf(target: string, report: TargetReport): Partial<Record<ReadingName, Reading>> {
  const required = requiredCoverage(target);
  const reading = (found: [string, TargetMetrics] | null): Reading | undefined =>
    found
      ? {
          baseline: found[0],
          mae: found[1].mae,
          coverage: found[1].coverage,
          delta: report.model && found[1].mae > 0 ? (report.model.mae - found[1].mae) / found[1].mae : null,
        }
      : undefined;
  const out: Partial<Record<ReadingName, Reading>> = {};
  const put = (name: ReadingName, r: Reading | undefined) => {
    if (r) out[name] = r;
  };
  put('raw', reading(bestOf(report.baselines)));
  if (required === 0) return out;
  put('rawCovered', reading(bestOf(report.baselines, required)));
  if (report.calibratedBaselines) {
    put('calibrated', reading(bestOf(report.calibratedBaselines)));
    put('calibratedCovered', reading(bestOf(report.calibratedBaselines, required)));
  }
  return out;
}

/** The issue's accuracy targets, judged under every reading of "best baseline". */
export const ISSUE_TARGETS = [
  { target: 'cpu_p95', maxDelta: -0.15, text: 'MAE at least 15 % below the best baseline, coverage ≥ 0.95' },
  { target: 'memory_p95', maxDelta: 0, text: 'no worse than the best baseline (MAE), coverage ≥ 0.95' },
  { target: 'network_p95', maxDelta: 0, text: 'no worse than the best baseline (MAE), coverage ≥ 0.95' },
] as const;

export interface Verdict {
  target: string;
  text: string;
  modelCoverage: number | null;
  coverageMet: boolean;
  /** Per reading: Δ MAE against that reading's best baseline and whether the target is met under it. */
  readings: Partial<Record<ReadingName, { baseline: string; delta: number | null; met: boolean }>>;
}

export function verdicts(report: EvaluationReport): Verdict[] {
  return ISSUE_TARGETS.map(({ target, maxDelta, text }) => {
    const t = report.targets[target];
    const coverage = t?.model?.coverage ?? null;
    const coverageMet = coverage !== null && coverage >= 0.95;
    const readings: Verdict['readings'] = {};
    for (const [name, r] of Object.entries(t?.readings ?? {}) as [ReadingName, Reading][]) {
      readings[name] = { baseline: r.baseline, delta: r.delta, met: coverageMet && r.delta !== null && r.delta <= maxDelta };
    }
    return { target, text, modelCoverage: coverage, coverageMet, readings };
  });
}
