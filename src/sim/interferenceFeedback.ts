/**
 * Interference observations for training the learned interference head (training/fit-interference.ts reads them
 * with `--interference-feedback`): at a sampled step, for each instance on a node, its own demand and its
 * co-runners' demand as a deployment's feedback store knows them (mean and p95 of the last `WINDOW` feedback samples,
 * all before the step) and the slowdown the ground truth produced in that step (the label).
 */
import type { DemandQuantiles } from '../features/interference.js';
import type { FeedbackSample, NodeCapacity, Resource } from '../market/types.js';

export interface InterferenceObservation {
  own: DemandQuantiles;
  node: Pick<NodeCapacity, Resource>;
  coRunners: DemandQuantiles[];
  slowdown: number;
}

/** One hour of 5-minute feedback: the window over which a feedback store summarizes recent demand. */
export const WINDOW = 12;
/** Fewer samples than this and the instance's demand is not known well enough to be a feature. */
export const MIN_SAMPLES = 6;

function meanAndP95(values: number[]): { mean: number; p95: number } {
  values.sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  // Nearest rank, as the engine's observedUse.
  const p95 = values[Math.min(values.length - 1, Math.ceil(0.95 * values.length) - 1)]!;
  return { mean, p95 };
}

/** Mean and p95 per resource of the last WINDOW samples, or null with fewer than MIN_SAMPLES. */
export function recentDemand(history: readonly FeedbackSample[]): DemandQuantiles | null {
  if (history.length < MIN_SAMPLES) return null;
  const recent = history.slice(-WINDOW);
  return {
    cpu: meanAndP95(recent.map((s) => s.cpu)),
    memory: meanAndP95(recent.map((s) => s.memory)),
    network: meanAndP95(recent.map((s) => s.network)),
  };
}

/**
 * Observations of one node at one step: every tenant with enough history, against all other tenants that have it.
 * `histories` and `slowdowns` are in the same order.
 */
export function nodeObservations(
  node: Pick<NodeCapacity, Resource>,
  histories: readonly (readonly FeedbackSample[])[],
  slowdowns: readonly number[],
): InterferenceObservation[] {
  const demands = histories.map(recentDemand);
  const out: InterferenceObservation[] = [];
  demands.forEach((own, i) => {
    if (own === null) return;
    const coRunners = demands.filter((d, j): d is DemandQuantiles => j !== i && d !== null);
    out.push({ own, node: { cpu: node.cpu, memory: node.memory, network: node.network }, coRunners, slowdown: slowdowns[i]! });
  });
  return out;
}
