/**
 * A sweep of one engine setting: the baselines once, then the full Parley policy once per value of the setting, all on
 * the same bid stream. It shows the trade-off an operator chooses along (welfare against QoS violation hours, for
 * ε or the QoS limit) and, per value, which of the targets hold (targets.ts).
 *
 *   parseSweep('epsilon=0.01,0.025,0.05')        → { key: 'epsilon', values: [0.01, 0.025, 0.05] }
 *   parseSweep('weights.packing=0,0.3,0.6')      → a placement weight
 */
import { defaultEngineConfig, engineConfigProblems, type EngineConfig } from '../market/index.js';
import type { TraceLibrary } from './bidStream.js';
import { NO_MODEL_NOTE, prepareStream, runPolicies, streamHeader, type StreamHeader } from './experiment.js';
import type { PolicyMetrics } from './metrics.js';
import type { ParleyModels } from './policies/enginePolicies.js';
import type { Scenario } from './scenario.js';
import { evaluateTargets, type TargetCheck } from './targets.js';

/** The engine settings a sweep may vary: every numeric one, top level or a placement weight. */
export interface SweepSpec {
  /** `epsilon`, `qosSlowdownLimit`, ... or `weights.<name>`. */
  key: string;
  values: number[];
}

/** The policies the targets compare Parley with; a sweep runs them once. */
export const SWEEP_BASELINES = ['priceOnly', 'kubeLike'] as const;

export interface SweepPoint {
  value: number;
  /** The engine config overrides this point ran with (the base overrides plus the swept setting). */
  engineConfig: Partial<EngineConfig>;
  parley: PolicyMetrics;
  targets: TargetCheck[];
  /** Every target in `targets` met. */
  allMet: boolean;
}

export interface SweepResult extends StreamHeader {
  key: string;
  /** The overrides every point shares (`--engine-config`), before the swept setting. */
  baseEngineConfig: Partial<EngineConfig>;
  baselines: Record<(typeof SWEEP_BASELINES)[number], PolicyMetrics>;
  points: SweepPoint[];
  notes: string[];
}

/** `base` with `key` set to `value`: a top-level setting, or `weights.<name>` merged into the weights. */
export function sweepOverride(base: Partial<EngineConfig>, key: string, value: number): Partial<EngineConfig> {
  const [head, sub] = key.split('.', 2) as [string, string | undefined];
  if (sub === undefined) return { ...base, [head]: value };
  return { ...base, [head]: { ...((base as Record<string, object | undefined>)[head] ?? {}), [sub]: value } };
}

function numericKeys(config: EngineConfig): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === 'number') keys.push(k);
    else if (k === 'weights') for (const w of Object.keys(v as object)) keys.push(`weights.${w}`);
  }
  return keys;
}

/**
 * Reads `key=v1,v2,...`. Refuses, naming what is wrong: a missing `=`, a setting that is not a numeric engine
 * setting, a value that is not a number, a repeated value, and a value the engine's schema refuses with `base`.
 */
export function parseSweep(text: string, base: Partial<EngineConfig> = {}): SweepSpec {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--sweep "${text}": expected SETTING=V1,V2,... (e.g. epsilon=0.01,0.025,0.05)`);
  const key = text.slice(0, eq).trim();
  const allowed = numericKeys(defaultEngineConfig);
  if (!allowed.includes(key)) throw new Error(`--sweep: "${key}" is not a numeric engine setting; expected one of ${allowed.join(', ')}`);
  const parts = text.slice(eq + 1).split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new Error(`--sweep ${key}: expected a comma-separated list of numbers, got "${text.slice(eq + 1)}"`);
  const values = parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new Error(`--sweep ${key}: "${p}" is not a number`);
    return v;
  });
  const repeated = values.find((v, i) => values.indexOf(v) !== i);
  if (repeated !== undefined) throw new Error(`--sweep ${key}: ${repeated} is listed twice`);
  for (const v of values) {
    const problems = engineConfigProblems(sweepOverride(base, key, v));
    if (problems !== null) throw new Error(`--sweep ${key}=${v} rejected by the engine's schema: ${problems}`);
  }
  return { key, values };
}

export interface SweepOptions {
  spec: SweepSpec;
  /** Predictor and interference model of the full Parley policy; the statistical ones when absent. */
  parleyModels?: ParleyModels;
  /** Overrides every point shares. */
  engineConfig?: Partial<EngineConfig>;
  onProgress?: (message: string) => void;
}

export function runSweep(scenario: Scenario, library: TraceLibrary, options: SweepOptions): SweepResult {
  const base = options.engineConfig ?? {};
  const progress = options.onProgress;
  // One stream for every run. Its reserve price comes from the shared overrides: no sweepable setting changes it.
  const stream = prepareStream(scenario, library, base);
  const baselineRuns = runPolicies(scenario, stream, SWEEP_BASELINES, progress ? { onProgress: progress } : {});
  const baselines = { priceOnly: baselineRuns.priceOnly!, kubeLike: baselineRuns.kubeLike! };
  const points = options.spec.values.map((value): SweepPoint => {
    const engineConfig = sweepOverride(base, options.spec.key, value);
    const parley = runPolicies(scenario, stream, ['parley'], {
      engineConfig,
      ...(options.parleyModels ? { parleyModels: options.parleyModels } : {}),
    }).parley!;
    const targets = evaluateTargets({ ...baselines, parley });
    progress?.(`${options.spec.key} ${value}: welfare ${parley.welfare.toFixed(1)}, QoS violation hours ${parley.qosViolationHours.toFixed(1)}`);
    return { value, engineConfig, parley, targets, allMet: targets.every((t) => t.met) };
  });
  return {
    ...streamHeader(scenario, stream),
    key: options.spec.key,
    baseEngineConfig: base,
    baselines,
    points,
    notes: options.parleyModels ? [] : [NO_MODEL_NOTE],
  };
}
