/**
 * From predicted quantiles to the moments the chance constraint adds up.
 *
 * A predictor gives mean, p95 and p99; the engine reads a Gaussian standard deviation back from the tail,
 * conservatively: σ = max((p95 − mean)/z₉₅, (p99 − mean)/z₉₉, 0). Any predictor (statistical or learned) works.
 */
import type { DemandMoments, NodeLoad, Prediction, Quantiles, WorkloadProfile } from './types.js';
import { Z95, Z99 } from './normal.js';

export function sigmaOf(q: Quantiles): number {
  return Math.max((q.p95 - q.mean) / Z95, (q.p99 - q.mean) / Z99, 0);
}

export function demandMoments(prediction: Prediction, profile: WorkloadProfile): DemandMoments {
  const cs = sigmaOf(prediction.cpu);
  const ms = sigmaOf(prediction.memory);
  const ns = sigmaOf(prediction.network);
  return {
    cpuMean: prediction.cpu.mean,
    cpuVar: cs * cs,
    memoryMean: prediction.memory.mean,
    memoryVar: ms * ms,
    networkMean: prediction.network.mean,
    networkVar: ns * ns,
    networkP99: prediction.network.p99,
    memoryPeak: profile.memory.peak,
  };
}

export function emptyLoad(): NodeLoad {
  return {
    count: 0,
    cpuMean: 0,
    cpuVar: 0,
    memoryMean: 0,
    memoryVar: 0,
    networkMean: 0,
    networkVar: 0,
    networkP99: 0,
    memoryPeak: 0,
  };
}

/** Copies every field of `from` into `into` (a fixed set of fields: faster than Object.assign in a per-instance loop). */
export function copyLoad(into: NodeLoad, from: NodeLoad): NodeLoad {
  into.count = from.count;
  into.cpuMean = from.cpuMean;
  into.cpuVar = from.cpuVar;
  into.memoryMean = from.memoryMean;
  into.memoryVar = from.memoryVar;
  into.networkMean = from.networkMean;
  into.networkVar = from.networkVar;
  into.networkP99 = from.networkP99;
  into.memoryPeak = from.memoryPeak;
  return into;
}

/** load += sign · d (sign −1 removes an instance). */
export function addDemand(load: NodeLoad, d: DemandMoments, sign: 1 | -1): void {
  load.count += sign;
  load.cpuMean += sign * d.cpuMean;
  load.cpuVar += sign * d.cpuVar;
  load.memoryMean += sign * d.memoryMean;
  load.memoryVar += sign * d.memoryVar;
  load.networkMean += sign * d.networkMean;
  load.networkVar += sign * d.networkVar;
  load.networkP99 += sign * d.networkP99;
  load.memoryPeak += sign * d.memoryPeak;
}
