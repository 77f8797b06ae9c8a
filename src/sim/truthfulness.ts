/**
 * The truthfulness check: does a bidder gain by shading its bid below its true value? For each payment rule, the
 * same stream is run twice, once with every client truthful and once with a set of probe workloads bidding
 * `shadeFactor` × value; the probes' utility (value delivered − price paid) is compared. A positive gain means
 * shading pays under that rule (the rule is not truthful for those bidders); ≤ 0 means truthful bidding was at
 * least as good. Utility includes lost value: a shaded bid that is outbid or evicted delivers less.
 */
import type { PolicyMetrics } from './metrics.js';
import type { Policy } from './policies/policy.js';
import { simulate, type SimulationOptions } from './simulator.js';
import type { Scenario } from './scenario.js';
import type { Workload } from './workload.js';

export interface ShadingResult {
  rule: string;
  policy: string;
  shadeFactor: number;
  probes: number;
  truthfulUtility: number;
  shadedUtility: number;
  /** shaded − truthful utility, summed over the probes. */
  gain: number;
  /** gain / |truthful utility|. */
  relativeGain: number;
}

export interface ShadingSetup {
  rule: string;
  makePolicy: () => Policy;
}

/** Every `every`-th workload is a probe. */
export function probeIds(workloads: readonly Workload[], every: number): Set<string> {
  return new Set(workloads.filter((_, i) => i % every === 0).map((w) => w.id));
}

export function shadingGain(
  scenario: Scenario,
  workloads: readonly Workload[],
  setup: ShadingSetup,
  options: SimulationOptions,
  probes: ReadonlySet<string>,
  shadeFactor: number,
): ShadingResult & { truthfulMetrics: PolicyMetrics } {
  const utility = (outcomes: ReturnType<typeof simulate>['outcomes']) => {
    let sum = 0;
    for (const id of probes) {
      const o = outcomes.get(id);
      if (o) sum += o.value - o.paid;
    }
    return sum;
  };
  const truthful = simulate(scenario, workloads, setup.makePolicy(), options);
  const shaded = simulate(scenario, workloads, setup.makePolicy(), {
    ...options,
    bidPrice: (w) => (probes.has(w.id) ? shadeFactor * w.valuePerHour : w.valuePerHour),
  });
  const truthfulUtility = utility(truthful.outcomes);
  const shadedUtility = utility(shaded.outcomes);
  const gain = shadedUtility - truthfulUtility;
  return {
    rule: setup.rule,
    policy: truthful.metrics.policy,
    shadeFactor,
    probes: probes.size,
    truthfulUtility,
    shadedUtility,
    gain,
    relativeGain: truthfulUtility !== 0 ? gain / Math.abs(truthfulUtility) : 0,
    truthfulMetrics: truthful.metrics,
  };
}
