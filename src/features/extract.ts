import type { PredictorInput, Resource, WorkloadProfile } from '../market/types.js';
import {
  EWMA_HALF_LIFE_MS,
  FEATURE_NAMES,
  HISTORY_WINDOW_MS,
  RESOURCE_ORDER,
  SCALE_FLOOR,
} from './spec.js';
import { ewma, rangeMax, rangeMean, rangeQuantile, std } from './stats.js';
import { recentWindow, WindowBuffers, type RecentWindow } from './window.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Per-resource scale that makes features and outputs unit-free: the declared average, floored by SCALE_FLOOR. A
 * 0.1-core VM and a 16-core VM then look alike to the network, and outputs are multiplied back by the same scale, so
 * training and serving cannot disagree on units. Not the declared peak: clients size peaks in different ways (their
 * VM's capacity, or the most they saw), and a scale that moved with the peak made one calibration shift wrong for one
 * kind or the other; the peak is a feature instead (`declared_peak`).
 */
export function predictionScale(profile: WorkloadProfile): Record<Resource, number> {
  // Spelled out per resource: a keyed lookup through a closure cost about a microsecond per call, twice per input
  // of every round's batch (features and scaling back).
  return {
    cpu: Math.max(profile.cpu.avg, SCALE_FLOOR.cpu),
    memory: Math.max(profile.memory.avg, SCALE_FLOOR.memory),
    network: Math.max(profile.network.avg, SCALE_FLOOR.network),
  };
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

/** A feature value as stored: non-finite (a statistic of an empty range, an overflow) becomes 0. */
function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

const EMPTY = new Float64Array(0);

/** ln(declared peak / scale), the peak never taken below the average (a peak under the average is a typo's worth). */
function declaredPeakFeature(declaredAvg: number, declaredPeak: number): number {
  return Math.log(Math.max(declaredPeak, declaredAvg, 1e-6));
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

  const times = window?.times ?? EMPTY;
  const lastAt = window ? times[times.length - 1]! : 0;
  const spanMs = window ? lastAt - times[0]! : 0;
  const hourAngle = 2 * Math.PI * ((lastAt % DAY_MS) / DAY_MS);

  // Shared features, in SHARED_FEATURES order.
  out[k++] = window ? 1 : 0;
  out[k++] = finite(Math.min(1, spanMs / HISTORY_WINDOW_MS));
  out[k++] = window ? finite(Math.sin(hourAngle)) : 0;
  out[k++] = window ? finite(Math.cos(hourAngle)) : 0;
  out[k++] = finite(profile.burst.probability);
  out[k++] = finite(Math.log1p(Math.max(0, profile.burst.magnitude.p90)));

  const i1h = firstTimeAfter(times, lastAt - HOUR_MS);
  const i6h = firstTimeAfter(times, lastAt - 6 * HOUR_MS);
  // The same hour one day earlier as the hour being predicted: (lastAt - 24h, lastAt - 23h].
  const iDayAgoEnd = firstTimeAfter(times, lastAt - 23 * HOUR_MS);
  const haveDayAgo = spanMs >= 23 * HOUR_MS && iDayAgoEnd > 0;

  for (const r of RESOURCE_ORDER) {
    const s = scale[r];
    const declaredAvg = finite(profile[r].avg / s);
    const declaredPeak = finite(profile[r].peak / s);
    out[k++] = finite(Math.log(s));
    out[k++] = finite(declaredPeakFeature(declaredAvg, declaredPeak));
    if (!window) {
      // No history: the declaration is the best prior, so history features repeat it (means = avg, tails = peak).
      out[k++] = declaredAvg; // last
      out[k++] = declaredAvg; // mean_1h
      out[k++] = declaredAvg; // mean_6h
      out[k++] = declaredAvg; // mean_24h
      out[k++] = declaredPeak; // p95_6h
      out[k++] = declaredPeak; // p95_24h
      out[k++] = declaredPeak; // max_24h
      out[k++] = 0; // std_24h
      out[k++] = declaredAvg; // ewma
      out[k++] = declaredAvg; // day_ago_mean
      out[k++] = declaredPeak; // day_ago_p95
      continue;
    }
    const values = window.values[r];
    const n = values.length;
    const mean24 = rangeMean(values, 0, n) / s;
    const p95of24 = window.p95[r] / s;
    out[k++] = finite(values[n - 1]! / s);
    out[k++] = finite(rangeMean(values, i1h, n) / s);
    out[k++] = finite(rangeMean(values, i6h, n) / s);
    out[k++] = finite(mean24);
    // A window shorter than 6 h is its own 6 h window: the same values, so the same quantile.
    out[k++] = finite(i6h === 0 ? p95of24 : rangeQuantile(values, i6h, n, 0.95) / s);
    out[k++] = finite(p95of24);
    out[k++] = finite(rangeMax(values, 0, n) / s);
    out[k++] = finite(std(values) / s);
    out[k++] = finite(ewma(values, times, EWMA_HALF_LIFE_MS) / s);
    // Less than a day of history: fall back to the day's statistics so the feature stays on the same scale.
    out[k++] = finite(haveDayAgo ? rangeMean(values, 0, iDayAgoEnd) / s : mean24);
    out[k++] = finite(haveDayAgo ? rangeQuantile(values, 0, iDayAgoEnd, 0.95) / s : p95of24);
  }
  if (k - offset !== FEATURE_NAMES.length) {
    throw new Error(`feature extraction wrote ${k - offset} values, spec has ${FEATURE_NAMES.length}`);
  }
}

/** Window memory reused across the rows of a batch: each row's window is consumed before the next is built. */
const batchBuffers = new WindowBuffers();

/** Feature matrix (row-major, inputs.length × FEATURE_NAMES.length) for a batch. */
export function extractFeatureMatrix(inputs: readonly PredictorInput[]): Float32Array {
  const width = FEATURE_NAMES.length;
  const out = new Float32Array(inputs.length * width);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    extractFeaturesInto(input, out, i * width, recentWindow(input.history, HISTORY_WINDOW_MS, batchBuffers));
  }
  return out;
}
