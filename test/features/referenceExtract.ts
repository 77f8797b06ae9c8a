/**
 * The sort-based feature extraction as it was first written (every window statistic from a fully sorted copy; spec
 * `parley-features/2`, which differs from spec 1 only in its scale and in `declared_peak`), frozen here as the
 * oracle for src/features/extract.ts: the selection-based code must
 * produce the same bits. Do not "improve" this file; it is the definition being checked against.
 */
import { predictionScale } from '../../src/features/extract.js';
import { EWMA_HALF_LIFE_MS, FEATURE_NAMES, HISTORY_WINDOW_MS, RESOURCE_ORDER } from '../../src/features/spec.js';
import { ewma, mean, sortedQuantile, std } from '../../src/features/stats.js';
import type { FeedbackSample, PredictorInput, Resource } from '../../src/market/types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface SortedWindow {
  times: Float64Array;
  values: Record<Resource, Float64Array>;
  sorted: Record<Resource, Float64Array>;
}

function sortedWindow(history: readonly FeedbackSample[], windowMs = HISTORY_WINDOW_MS): SortedWindow | null {
  const n = history.length;
  if (n === 0) return null;
  const cutoff = history[n - 1]!.at - windowMs;
  let start = n;
  while (start > 0 && history[start - 1]!.at > cutoff) start--;
  const size = n - start;
  const times = new Float64Array(size);
  const cpu = new Float64Array(size);
  const memory = new Float64Array(size);
  const network = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const s = history[start + i]!;
    times[i] = s.at;
    cpu[i] = s.cpu;
    memory[i] = s.memory;
    network[i] = s.network;
  }
  return {
    times,
    values: { cpu, memory, network },
    sorted: { cpu: cpu.slice().sort(), memory: memory.slice().sort(), network: network.slice().sort() },
  };
}

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

export function referenceFeatures(input: PredictorInput): Float32Array {
  const out = new Float32Array(FEATURE_NAMES.length);
  const window = sortedWindow(input.history);
  const { profile } = input;
  const scale = predictionScale(profile);
  let k = 0;
  const put = (value: number) => {
    out[k++] = Number.isFinite(value) ? value : 0;
  };
  const times = window?.times ?? new Float64Array(0);
  const lastAt = window ? times[times.length - 1]! : 0;
  const spanMs = window ? lastAt - times[0]! : 0;
  const hourAngle = 2 * Math.PI * ((lastAt % DAY_MS) / DAY_MS);
  put(window ? 1 : 0);
  put(Math.min(1, spanMs / HISTORY_WINDOW_MS));
  put(window ? Math.sin(hourAngle) : 0);
  put(window ? Math.cos(hourAngle) : 0);
  put(profile.burst.probability);
  put(Math.log1p(Math.max(0, profile.burst.magnitude.p90)));
  const i1h = firstTimeAfter(times, lastAt - HOUR_MS);
  const i6h = firstTimeAfter(times, lastAt - 6 * HOUR_MS);
  const iDayAgoEnd = firstTimeAfter(times, lastAt - 23 * HOUR_MS);
  const haveDayAgo = spanMs >= 23 * HOUR_MS && iDayAgoEnd > 0;
  for (const r of RESOURCE_ORDER) {
    const s = scale[r];
    const declaredAvg = profile[r].avg / s;
    const declaredPeak = profile[r].peak / s;
    put(Math.log(s));
    put(Math.log(Math.max(declaredPeak, declaredAvg, 1e-6)));
    if (!window) {
      for (const v of [declaredAvg, declaredAvg, declaredAvg, declaredAvg, declaredPeak, declaredPeak, declaredPeak, 0, declaredAvg, declaredAvg, declaredPeak]) put(v);
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
    const dayAgo = values.subarray(0, iDayAgoEnd);
    put(haveDayAgo ? mean(dayAgo) / s : mean24);
    put(haveDayAgo ? sortedQuantile(dayAgo.slice().sort(), 0.95) / s : p95of24);
  }
  return out;
}
