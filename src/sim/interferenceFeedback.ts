/**
 * Interference observations for training the learned interference head (training/fit-interference.ts reads them
 * with `--interference-feedback`): at a sampled step, for each instance on a node, its own demand and its
 * co-runners' demand as a deployment's feedback store knows them (mean and p95 of the last `WINDOW` feedback samples,
 * all before the step) and the slowdown the ground truth produced in that step (the label).
 */
import type { DemandQuantiles } from '../features/interference.js';
import type { FeedbackSample, NodeCapacity, Resource, WorkloadProfile } from '../market/types.js';

export interface InterferenceObservation {
  own: DemandQuantiles;
  node: Pick<NodeCapacity, Resource>;
  coRunners: DemandQuantiles[];
  slowdown: number;
}

/** One hour of 5-minute feedback: the window over which a feedback store summarizes recent demand. */
export const WINDOW = 12;
/** Fewer samples than this and the instance's demand is taken from its declared profile instead. */
export const MIN_SAMPLES = 6;

function meanAndP95(values: number[]): { mean: number; p95: number } {
  values.sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  // Nearest rank, as the engine's observedUse.
  const p95 = values[Math.min(values.length - 1, Math.ceil(0.95 * values.length) - 1)]!;
  return { mean, p95 };
}

/**
 * Mean and p95 per resource of the last WINDOW samples; with fewer than MIN_SAMPLES, what the client declared
 * (average as the mean, peak as the p95), as a feedback store knows a workload that has just started.
 */
export function recentDemand(history: readonly FeedbackSample[], profile: WorkloadProfile): DemandQuantiles {
  const declared = { cpu: profile.cpu.avg, memory: profile.memory.avg };
  if (history.length < MIN_SAMPLES) {
    const of = (r: Resource) => ({ mean: profile[r].avg, p95: profile[r].peak });
    return { cpu: of('cpu'), memory: of('memory'), network: of('network'), declared };
  }
  const recent = history.slice(-WINDOW);
  return {
    cpu: meanAndP95(recent.map((s) => s.cpu)),
    memory: meanAndP95(recent.map((s) => s.memory)),
    network: meanAndP95(recent.map((s) => s.network)),
    declared,
  };
}

/** Observations of one node at one step: every tenant against all the others. `tenants` and `slowdowns` align. */
export function nodeObservations(
  node: Pick<NodeCapacity, Resource>,
  tenants: readonly { history: readonly FeedbackSample[]; profile: WorkloadProfile }[],
  slowdowns: readonly number[],
): InterferenceObservation[] {
  const demands = tenants.map((t) => recentDemand(t.history, t.profile));
  const capacity = { cpu: node.cpu, memory: node.memory, network: node.network };
  return demands.map((own, i) => ({ own, node: capacity, coRunners: demands.filter((_, j) => j !== i), slowdown: slowdowns[i]! }));
}
