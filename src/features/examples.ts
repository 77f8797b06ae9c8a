import type { FeedbackSample, PredictorInput, Resource } from '../market/types.js';
import type { TraceInstance } from '../traces/types.js';
import { declareProfile, DECLARATION_WINDOW_MS, type DeclaredPeak } from './declare.js';
import { HISTORY_WINDOW_MS, HORIZON_MS } from './spec.js';
import { mean, sortedQuantile } from './stats.js';

/** What actually happened over one horizon, per resource: the samples and their mean, p95, p99. */
export interface HorizonTarget {
  samples: Record<Resource, Float64Array>;
  mean: Record<Resource, number>;
  p95: Record<Resource, number>;
  p99: Record<Resource, number>;
}

/** One supervised example: what a predictor sees at `at`, and what the next horizon held. */
export interface TraceExample {
  instanceId: string;
  at: number;
  input: PredictorInput;
  target: HorizonTarget;
  /** Provisioned cores (for Resource Central's utilization buckets). */
  cpuCapacity: number;
}

export interface ExampleOptions {
  /** Distance between anchors; default one horizon (non-overlapping targets). */
  strideMs?: number;
  /** A target needs at least this share of its grid slots present (traces have gaps). */
  minTargetCoverage?: number;
  declarationWindowMs?: number;
  /** How the instance's declared peak is sized (declare.ts); default `provisioned`. */
  declaredPeak?: DeclaredPeak;
  /**
   * How far back an example's history reaches (default 24 h, what the features read): a shorter window scores (or
   * trains) a predictor on the histories a service keeps (`historySamples`), with the same anchors and targets as
   * long as it covers at least one horizon (the gap rule below already asks for a sample in the last horizon).
   */
  historyWindowMs?: number;
}

/**
 * Cuts an instance into examples: after its declaration window, every `strideMs` an anchor `t` with history
 * = samples in [t − 24 h (`historyWindowMs`), t) and target = samples in [t, t + 1 h). Anchors whose last history sample is more
 * than a horizon old (a gap) are skipped: serving would not call that "recent history".
 */
export function* traceExamples(instance: TraceInstance, options: ExampleOptions = {}): Generator<TraceExample> {
  const samples = instance.samples;
  if (samples.length === 0) return;
  const strideMs = options.strideMs ?? HORIZON_MS;
  const slotsPerHorizon = HORIZON_MS / (instance.intervalSeconds * 1000);
  const minTarget = Math.max(1, Math.ceil(slotsPerHorizon * (options.minTargetCoverage ?? 0.5)));
  const profile = declareProfile(instance, options.declarationWindowMs ?? DECLARATION_WINDOW_MS, options.declaredPeak);
  const historyWindowMs = options.historyWindowMs ?? HISTORY_WINDOW_MS;
  // The last sample covers [lastAt, lastAt + interval): a horizon ending there is complete.
  const endAt = samples[samples.length - 1]!.at + instance.intervalSeconds * 1000;
  let historyStart = 0;
  let targetStart = 0;
  for (let t = samples[0]!.at + (options.declarationWindowMs ?? DECLARATION_WINDOW_MS); t + HORIZON_MS <= endAt; t += strideMs) {
    while (historyStart < samples.length && samples[historyStart]!.at < t - historyWindowMs) historyStart++;
    while (targetStart < samples.length && samples[targetStart]!.at < t) targetStart++;
    let targetEnd = targetStart;
    while (targetEnd < samples.length && samples[targetEnd]!.at < t + HORIZON_MS) targetEnd++;
    if (targetEnd - targetStart < minTarget || targetStart === historyStart) continue;
    if (samples[targetStart - 1]!.at < t - HORIZON_MS) continue;
    const history: FeedbackSample[] = samples.slice(historyStart, targetStart);
    yield {
      instanceId: instance.id,
      at: t,
      input: { profile, history },
      target: horizonTarget(samples.slice(targetStart, targetEnd)),
      cpuCapacity: instance.capacity.cpu,
    };
  }
}

export function horizonTarget(window: readonly FeedbackSample[]): HorizonTarget {
  const per = <T>(f: (r: Resource) => T) => ({ cpu: f('cpu'), memory: f('memory'), network: f('network') });
  const samples = per((r) => Float64Array.from(window, (s) => s[r]));
  const sorted = per((r) => Float64Array.from(samples[r]).sort());
  return {
    samples,
    mean: per((r) => mean(samples[r])),
    p95: per((r) => sortedQuantile(sorted[r], 0.95)),
    p99: per((r) => sortedQuantile(sorted[r], 0.99)),
  };
}
