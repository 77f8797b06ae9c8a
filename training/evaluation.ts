import { FEATURE_NAMES, RESOURCE_ORDER } from '../src/features/spec.js';
import type { UtilizationNetwork } from '../src/model/utilization.js';
import { gather, TARGET_WIDTH, type Dataset } from './dataset.js';
import { BASELINE_NAMES } from './baselines.js';
import { scorePredictions, TARGETS, type TargetMetrics } from './metrics.js';

export interface TargetReport {
  model: TargetMetrics | null;
  baselines: Record<string, TargetMetrics>;
}

export interface EvaluationReport {
  model: string | null;
  split: string;
  examples: number;
  instances: number;
  targets: Record<string, TargetReport>;
}

/** Model predictions in absolute units (rows × TARGET_WIDTH) through the same path serving uses. */
export function modelPredictions(network: UtilizationNetwork, dataset: Dataset, rows: Int32Array): Float64Array {
  const width = FEATURE_NAMES.length;
  const out = new Float64Array(rows.length * TARGET_WIDTH);
  const chunk = 8192;
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.subarray(start, Math.min(rows.length, start + chunk));
    const ratios = network.predictRatios(gather(dataset.features, width, part), part.length);
    part.forEach((row, i) => {
      RESOURCE_ORDER.forEach((_, r) => {
        const scale = dataset.scales[row * 3 + r]!;
        for (let h = 0; h < 3; h++) out[(start + i) * TARGET_WIDTH + r * 3 + h] = ratios[i * TARGET_WIDTH + r * 3 + h]! * scale;
      });
    });
  }
  return out;
}

/** Scores the model (when given) and every baseline on the same rows. */
export function evaluateRows(
  dataset: Dataset,
  rows: Int32Array,
  split: string,
  model: { version: string; network: UtilizationNetwork } | null,
): EvaluationReport {
  if (rows.length === 0) throw new Error(`the ${split} split has no test examples`);
  const modelScores = model ? scorePredictions(dataset, rows, modelPredictions(model.network, dataset, rows)) : null;
  const baselineScores = Object.fromEntries(
    BASELINE_NAMES.map((name) => [name, scorePredictions(dataset, rows, gather(dataset.baselines[name]!, TARGET_WIDTH, rows))]),
  );
  const targets: Record<string, TargetReport> = {};
  for (const t of TARGETS) {
    targets[t.name] = {
      model: modelScores?.[t.name] ?? null,
      baselines: Object.fromEntries(BASELINE_NAMES.map((b) => [b, baselineScores[b]![t.name]!])),
    };
  }
  return {
    model: model?.version ?? null,
    split,
    examples: rows.length,
    instances: new Set(Array.from(rows, (r) => dataset.instance[r])).size,
    targets,
  };
}

/**
 * Coverage a baseline must reach to count as "best" on a target: a p95 estimate that covers 60 % of samples is
 * not a p95 estimate, however small its MAE (last value has the lowest p95 MAE on Bitbrains at ~0.6 coverage).
 */
export function requiredCoverage(target: string): number {
  return target.endsWith('_p95') ? 0.95 : target.endsWith('_p99') ? 0.99 : 0;
}

/** Best baseline on a target: lowest MAE among those with coverage ≥ minCoverage (any, if none qualifies). */
export function bestBaseline(report: TargetReport, minCoverage = 0): [string, TargetMetrics] {
  const entries = Object.entries(report.baselines);
  const eligible = entries.filter(([, m]) => m.coverage >= minCoverage);
  return (eligible.length > 0 ? eligible : entries).reduce((a, b) => (b[1].mae < a[1].mae ? b : a));
}
