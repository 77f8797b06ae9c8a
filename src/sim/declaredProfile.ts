/**
 * How a simulated client declares its workload: the way a real one would, from the usage it saw before submitting
 * (the `declarationHistoryHours` preceding the run), never from the future it is about to run. So the declaration is
 * an honest but imperfect forecast, and the engine has to learn the rest from feedback.
 */
import type { BurstSpec, ResourceSpec } from '../market/types.js';
import { traceAt, type TraceVm } from './traceVm.js';

/** A step counts as a spike when CPU exceeds this multiple of the history's mean (the engine's burst definition). */
export const SPIKE_THRESHOLD = 1.5;
/** Floors so a fully idle history still declares a usable (non-zero) profile: 0.01 cores, 16 MiB, 0.01 Mbps. */
const FLOOR = { cpu: 0.01, memory: 16, network: 0.01 } as const;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

function window(series: Float64Array, startStep: number, steps: number): number[] {
  const values: number[] = [];
  for (let s = startStep - steps; s < startStep; s++) values.push(traceAt(series, s));
  return values;
}

/** avg = mean of the history, peak = its `peakQuantile` quantile (never below avg), both floored. */
export function declareResource(values: readonly number[], peakQuantile: number, floor: number): ResourceSpec {
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  const sorted = [...values].sort((a, b) => a - b);
  const avg = Math.max(floor, mean);
  const peak = Math.max(avg, quantile(sorted, peakQuantile), floor);
  return { avg, peak };
}

/**
 * Burst statistics of a CPU history sampled every `stepSeconds`:
 * probability = spike starts / minutes of history; magnitude = quantiles of usage/mean over spike steps;
 * duration = mean length of a run of consecutive spike steps.
 */
export function declareBurst(values: readonly number[], stepSeconds: number): BurstSpec {
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  const ratios: number[] = [];
  let starts = 0;
  let spikeSteps = 0;
  let inSpike = false;
  for (const v of values) {
    const spike = mean > 0 && v > SPIKE_THRESHOLD * mean;
    if (spike) {
      ratios.push(v / mean);
      spikeSteps++;
      if (!inSpike) starts++;
    }
    inSpike = spike;
  }
  const minutes = (values.length * stepSeconds) / 60;
  ratios.sort((a, b) => a - b);
  return {
    probability: minutes > 0 ? Math.min(1, starts / minutes) : 0,
    magnitude: {
      p50: Math.max(1, quantile(ratios, 0.5)),
      p90: Math.max(1, quantile(ratios, 0.9)),
      p99: Math.max(1, quantile(ratios, 0.99)),
    },
    durationSeconds: starts > 0 ? (spikeSteps / starts) * stepSeconds : 0,
  };
}

export interface Declaration {
  cpu: ResourceSpec;
  memory: ResourceSpec;
  network: ResourceSpec;
  burst: BurstSpec;
}

/** Declares the profile of `vm` for a run starting at `startStep`, from the `historySteps` steps before it. */
export function declareFromHistory(vm: TraceVm, startStep: number, historySteps: number, peakQuantile: number): Declaration {
  const cpu = window(vm.cpu, startStep, historySteps);
  return {
    cpu: declareResource(cpu, peakQuantile, FLOOR.cpu),
    memory: declareResource(window(vm.memory, startStep, historySteps), peakQuantile, FLOOR.memory),
    network: declareResource(window(vm.network, startStep, historySteps), peakQuantile, FLOOR.network),
    burst: declareBurst(cpu, vm.stepSeconds),
  };
}
