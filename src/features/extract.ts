import type { PredictorInput, Resource, WorkloadProfile } from '../market/types.js';
import {
  EWMA_HALF_LIFE_MS,
  FEATURE_NAMES,
  HISTORY_WINDOW_MS,
  RESOURCE_ORDER,
  SCALE_FLOOR,
} from './spec.js';
import { ewma, mean, sortedQuantile, std } from './stats.js';
import { recentWindow, type RecentWindow } from './window.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Per-resource scale that makes features and outputs unit-free: the declared peak (or average when larger),
 * floored by SCALE_FLOOR. A 0.1-core VM and a 16-core VM then look alike to the network, and outputs are
 * multiplied back by the same scale, so training and serving cannot disagree on units.
 */
export function predictionScale(profile: WorkloadProfile): Record<Resource, number> {
  const scale = (r: Resource) => Math.max(profile[r].peak, profile[r].avg, SCALE_FLOOR[r]);
  return { cpu: scale('cpu'), memory: scale('memory'), network: scale('network') };
}

/** Index of the first time > cutoff in ascending `times`. */
function firstTimeAfter(times: Float64Array, cutoff: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! > cutoff) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Writes the feature row of one input into `out` at `offset` (length FEATURE_NAMES.length), raw (not yet
 * z-scored: see normalize.ts). The one place features are defined; training and serving both call it.
 * `window` may be passed when the caller already built it from `input.history`.
 */
export function extractFeaturesInto(
  input: PredictorInput,
  out: Float32Array,
  offset: number,
  window: RecentWindow | null = recentWindow(input.history),
): void {
  const { profile } = input;
  const scale = predictionScale(profile);
  let k = offset;
  const put = (value: number) => {
    out[k++] = Number.isFinite(value) ? value : 0;
  };

  const times = window?.times ?? new Float64Array(0);
  const lastAt = window ? times[times.length - 1]! : 0;
  const spanMs = window ? lastAt - times[0]! : 0;
  const hourAngle = 2 * Math.PI * ((lastAt % DAY_MS) / DAY_MS);

  // Shared features, in SHARED_FEATURES order.
  put(window ? 1 : 0);
  put(Math.min(1, spanMs / HISTORY_WINDOW_MS));
  put(window ? Math.sin(hourAngle) : 0);
  put(window ? Math.cos(hourAngle) : 0);
  put(profile.burst.probability);
  put(Math.log1p(Math.max(0, profile.burst.magnitude.p90)));

  const i1h = firstTimeAfter(times, lastAt - HOUR_MS);
  const i6h = firstTimeAfter(times, lastAt - 6 * HOUR_MS);
  // The same hour one day earlier as the hour being predicted: (lastAt - 24h, lastAt - 23h].
  const iDayAgoEnd = firstTimeAfter(times, lastAt - 23 * HOUR_MS);
  const haveDayAgo = spanMs >= 23 * HOUR_MS && iDayAgoEnd > 0;

  for (const r of RESOURCE_ORDER) {
    const s = scale[r];
    const declaredAvg = profile[r].avg / s;
    const declaredPeak = profile[r].peak / s;
    put(Math.log(s));
    put(declaredAvg);
    if (!window) {
      // No history: the declaration is the best prior, so history features repeat it (means = avg, tails = peak).
      put(declaredAvg); // last
      put(declaredAvg); // mean_1h
      put(declaredAvg); // mean_6h
      put(declaredAvg); // mean_24h
      put(declaredPeak); // p95_6h
      put(declaredPeak); // p95_24h
      put(declaredPeak); // max_24h
      put(0); // std_24h
      put(declaredAvg); // ewma
      put(declaredAvg); // day_ago_mean
      put(declaredPeak); // day_ago_p95
      continue;
    }
    const values = window.values[r];
    const sorted = window.sorted[r];
    const last6 = values.subarray(i6h);
    const mean24 = mean(values) / s;
    const p95of24 = sortedQuantile(sorted, 0.95) / s;
    put(values[values.length - 1]! / s);
    put(mean(values.subarray(i1h)) / s);
    put(mean(last6) / s);
    put(mean24);
    put(sortedQuantile(last6.slice().sort(), 0.95) / s);
    put(p95of24);
    put(sorted[sorted.length - 1]! / s);
    put(std(values) / s);
    put(ewma(values, times, EWMA_HALF_LIFE_MS) / s);
    // Less than a day of history: fall back to the day's statistics so the feature stays on the same scale.
    const dayAgo = values.subarray(0, iDayAgoEnd);
    put(haveDayAgo ? mean(dayAgo) / s : mean24);
    put(haveDayAgo ? sortedQuantile(dayAgo.slice().sort(), 0.95) / s : p95of24);
  }
  if (k - offset !== FEATURE_NAMES.length) {
    throw new Error(`feature extraction wrote ${k - offset} values, spec has ${FEATURE_NAMES.length}`);
  }
}

/** Feature matrix (row-major, inputs.length × FEATURE_NAMES.length) for a batch. */
export function extractFeatureMatrix(inputs: readonly PredictorInput[]): Float32Array {
  const width = FEATURE_NAMES.length;
  const out = new Float32Array(inputs.length * width);
  inputs.forEach((input, i) => extractFeaturesInto(input, out, i * width));
  return out;
}
