/**
 * Moments of a declared demand with bursts: a two-component mixture of the base level and spikes.
 *
 * Base: mean `avg`, standard deviation σ₀ = (peak − avg) / z₉₉ (the declared peak read as the base p99).
 * Spikes: a fraction f = min(1, probability · durationSeconds / 60) of the time (a spike starts with `probability` per
 * minute and lasts `durationSeconds`), during which demand is avg · M with M log-normal, fitted to the declared
 * magnitude quantiles: ln M ~ N(ln p50, s²), s = max(ln(p90/p50)/z₉₀, ln(p99/p50)/z₉₉).
 *   E[M] = exp(ln p50 + s²/2),  Var[M] = (exp(s²) − 1) · exp(2 ln p50 + s²)
 * Mixture (law of total variance):
 *   mean = (1−f)·avg + f·avg·E[M]
 *   var  = σ₀² + f·avg²·Var[M] + f(1−f)·(avg·E[M] − avg)²
 */
import type { BurstSpec, ResourceSpec } from './types.js';
import { Z99 } from './normal.js';

const Z90 = 1.2815515655446004;

export interface Moments {
  mean: number;
  variance: number;
}

/** The burst's fraction of time and spike-multiplier moments, shared by every resource it applies to. */
export interface BurstShape {
  fraction: number;
  meanMultiplier: number;
  varMultiplier: number;
}

/** Fraction of time spent in a spike. */
export function burstFraction(burst: BurstSpec): number {
  return Math.min(1, Math.max(0, burst.probability) * (Math.max(0, burst.durationSeconds) / 60));
}

/** Null when the burst never happens. */
export function burstShape(burst: BurstSpec): BurstShape | null {
  const fraction = burstFraction(burst);
  if (fraction === 0) return null;
  const p50 = Math.max(1e-6, burst.magnitude.p50);
  const s = Math.max(
    Math.log(Math.max(p50, burst.magnitude.p90) / p50) / Z90,
    Math.log(Math.max(p50, burst.magnitude.p99) / p50) / Z99,
  );
  const mu = Math.log(p50);
  return {
    fraction,
    meanMultiplier: Math.exp(mu + (s * s) / 2),
    varMultiplier: (Math.exp(s * s) - 1) * Math.exp(2 * mu + s * s),
  };
}

export function mixtureMoments(spec: ResourceSpec, shape: BurstShape | null): Moments {
  const avg = Math.max(0, spec.avg);
  const sigma0 = Math.max(0, spec.peak - avg) / Z99;
  const baseVar = sigma0 * sigma0;
  if (shape === null || avg === 0) return { mean: avg, variance: baseVar };
  const f = shape.fraction;
  const spikeMean = avg * shape.meanMultiplier;
  return {
    mean: (1 - f) * avg + f * spikeMean,
    variance: baseVar + f * avg * avg * shape.varMultiplier + f * (1 - f) * (spikeMean - avg) * (spikeMean - avg),
  };
}

export function burstMixture(spec: ResourceSpec, burst: BurstSpec | null): Moments {
  return mixtureMoments(spec, burst === null ? null : burstShape(burst));
}
