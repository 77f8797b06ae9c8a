import { EWMA_HALF_LIFE_MS, RESOURCE_ORDER } from '../src/features/spec.js';
import { recentWindow, type RecentWindow } from '../src/features/window.js';
import { ewma, mean, rangeMax, std } from '../src/features/stats.js';
import type { PredictorInput, Quantiles, Resource } from '../src/market/types.js';

/**
 * Statistical baselines, evaluated in the same harness and on the same 24-hour history window as the model.
 * Each maps one input to per-resource mean/p95/p99. Without history they fall back to the declared profile
 * (mean = avg, tails = peak), which is what any of them would do for a new instance.
 */
export type BaselineEstimate = Record<Resource, Quantiles>;

/** One-sided normal quantiles: z(0.95) = 1.645, z(0.99) = 2.326 (k in "mean + k·σ"). */
const Z95 = 1.645;
const Z99 = 2.326;
/** Kubernetes VPA recommender: CPU target = p90 of a decaying histogram (half-life 24 h) × (1 + 15 % margin). */
const VPA_HALF_LIFE_MS = 24 * 3_600_000;
const VPA_MARGIN = 1.15;
const VPA_BUCKET_RATIO = 1.05;
/** First bucket width per resource: VPA uses 0.01 cores for CPU and 10 MB for memory; 0.01 Mbps for network. */
const VPA_FIRST_BUCKET: Readonly<Record<Resource, number>> = { cpu: 0.01, memory: 10e6 / 2 ** 20, network: 0.01 };

/** The recent window of one resource, prepared once per input and shared by every baseline. */
export interface Window {
  values: Float64Array;
  times: Float64Array;
  /** p95 and p99 of `values` (computed once, with the window). */
  p95: number;
  p99: number;
  /** VPA's decay weights per sample, shared by the three resources (they share `times`). */
  decay: () => Float64Array;
}

/** An input with its per-resource windows (null when the input has no history). */
export interface BaselineContext {
  input: PredictorInput;
  windows: Record<Resource, Window> | null;
}

export type Baseline = (context: BaselineContext) => BaselineEstimate;

/** VPA decay weights of whole-minute ages up to a day and a bit, memoized: on a regular grid every window repeats them. */
const decayByMinute = new Float64Array(25 * 60).fill(Number.NaN);

/** 2^(−age / half-life), the VPA sample weight; the memo holds the same expression's value, so the same bits. */
function vpaDecay(ageMs: number): number {
  const minute = ageMs / 60_000;
  if (Number.isInteger(minute) && minute >= 0 && minute < decayByMinute.length) {
    const known = decayByMinute[minute]!;
    if (known === known) return known;
    return (decayByMinute[minute] = 2 ** (-ageMs / VPA_HALF_LIFE_MS));
  }
  return 2 ** (-ageMs / VPA_HALF_LIFE_MS);
}

/** `recent` may be passed when the caller already built it (the dataset builder shares it with the features). */
export function baselineContext(input: PredictorInput, recent: RecentWindow | null = recentWindow(input.history)): BaselineContext {
  if (!recent) return { input, windows: null };
  let decay: Float64Array | null = null;
  const decayWeights = () => {
    if (!decay) {
      const { times } = recent;
      const newest = times[times.length - 1]!;
      decay = new Float64Array(times.length);
      for (let i = 0; i < times.length; i++) decay[i] = vpaDecay(newest - times[i]!);
    }
    return decay;
  };
  const window = (r: Resource): Window => ({
    values: recent.values[r],
    times: recent.times,
    p95: recent.p95[r],
    p99: recent.p99[r],
    decay: decayWeights,
  });
  return { input, windows: { cpu: window('cpu'), memory: window('memory'), network: window('network') } };
}

function perResource(context: BaselineContext, estimate: (w: Window, r: Resource) => Quantiles): BaselineEstimate {
  const out = {} as BaselineEstimate;
  for (const r of RESOURCE_ORDER) {
    const w = context.windows?.[r];
    const p = context.input.profile[r];
    out[r] = w ? estimate(w, r) : { mean: p.avg, p95: p.peak, p99: p.peak };
  }
  return out;
}

/**
 * VPA's decaying histogram: exponential buckets (the first `first` units wide, each next one 5 % wider, as the
 * VPA recommender's CPU histogram: 0.01 cores, ratio 1.05), sample weights halving every `halfLifeMs` back from
 * the newest sample. Returns the upper bound of the bucket where the cumulative weight reaches q.
 */
function decayedQuantiles(w: Window, qs: readonly number[], first: number): number[] {
  const decay = w.decay();
  const logRatio = Math.log(VPA_BUCKET_RATIO);
  // Bucket b spans [first·(r^b − 1)/(r − 1), first·(r^(b+1) − 1)/(r − 1)).
  const bucketOf = (v: number) => Math.max(0, Math.floor(Math.log1p((v * (VPA_BUCKET_RATIO - 1)) / first) / logRatio));
  const buckets = bucketOf(rangeMax(w.values, 0, w.values.length)) + 1;
  const weights = new Float64Array(buckets);
  let total = 0;
  for (let i = 0; i < w.values.length; i++) {
    const weight = decay[i]!;
    weights[bucketOf(w.values[i]!)]! += weight;
    total += weight;
  }
  const upper = (b: number) => (first * (VPA_BUCKET_RATIO ** (b + 1) - 1)) / (VPA_BUCKET_RATIO - 1);
  return qs.map((q) => {
    let acc = 0;
    for (let b = 0; b < buckets; b++) {
      acc += weights[b]!;
      if (acc >= q * total) return upper(b);
    }
    return upper(buckets - 1);
  });
}

const meanPlusKSigma = (w: Window): Quantiles => {
  const m = mean(w.values);
  const s = std(w.values);
  return { mean: m, p95: m + Z95 * s, p99: m + Z99 * s };
};

const windowQuantiles = (w: Window): Quantiles => ({ mean: mean(w.values), p95: w.p95, p99: w.p99 });

export const BASELINES: Readonly<Record<string, Baseline>> = {
  last_value: (context) =>
    perResource(context, (w) => {
      const v = w.values[w.values.length - 1]!;
      return { mean: v, p95: v, p99: v };
    }),
  ewma: (context) =>
    perResource(context, (w) => {
      const v = ewma(w.values, w.times, EWMA_HALF_LIFE_MS);
      return { mean: v, p95: v, p99: v };
    }),
  // Trusts the client: mean = declared avg, tails = declared peak (perResource's no-history case, always).
  declared_profile: (context) => perResource({ input: context.input, windows: null }, (w) => windowQuantiles(w)),
  // Resource Central (Cortez et al., SOSP 2017) predicts a VM's p95 utilization from its history.
  rc_window_p95: (context) => perResource(context, windowQuantiles),
  // Koordinator's resource estimator reserves mean + k·σ of recent usage.
  koord_mean_k_sigma: (context) => perResource(context, meanPlusKSigma),
  vpa_decayed_p90: (context) =>
    perResource(context, (w, r) => {
      const [p90, p99] = decayedQuantiles(w, [0.9, 0.99], VPA_FIRST_BUCKET[r]);
      return { mean: mean(w.values), p95: p90! * VPA_MARGIN, p99: p99! * VPA_MARGIN };
    }),
  max_p95_k_sigma: (context) =>
    perResource(context, (w) => {
      const a = windowQuantiles(w);
      const b = meanPlusKSigma(w);
      return { mean: a.mean, p95: Math.max(a.p95, b.p95), p99: Math.max(a.p99, b.p99) };
    }),
};

export const BASELINE_NAMES = Object.keys(BASELINES);
