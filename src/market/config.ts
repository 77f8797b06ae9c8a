/**
 * Engine configuration: every weight, threshold and rule the engine applies, validated by zod and resolved once
 * (defaults merged with the caller's partial) at the start of a round.
 */
import { z } from 'zod';

/** Names of the scorers the engine knows; `scorers` in the config picks which of them run. */
export const SCORER_NAMES = [
  'price',
  'priority',
  'efficiency',
  'standing',
  'interference',
  'packing',
  'balance',
] as const;
export type ScorerName = (typeof SCORER_NAMES)[number];

const perResource = z.object({
  cpu: z.number().min(0),
  memory: z.number().min(0),
  network: z.number().min(0),
});

export const engineConfigSchema = z
  .object({
    /** Which scorers run, in this order in every breakdown. */
    scorers: z.array(z.enum(SCORER_NAMES)).min(1),
    /** Weight per scorer; a scorer missing here weighs 0. Cost scorers (interference) subtract. */
    weights: z.partialRecord(z.enum(SCORER_NAMES), z.number().min(0)),
    /** Chance constraint: P(demand > capacity) ≤ epsilon per node and resource. */
    epsilon: z.number().gt(0).lt(0.5),
    paymentRule: z.enum(['pay-as-bid', 'uniform']),
    /** Reserve price per resource unit and hour (core-hour, MiB-hour, Mbps-hour). */
    reservePrice: perResource,
    /** Bids without `maxWaitSeconds` expire after this long. */
    defaultMaxWaitSeconds: z.number().positive(),
    /** No instance is preempted before it has run this long (anti-thrash; drain included). */
    minRuntimeSeconds: z.number().min(0),
    /** A bid may displace only instances at least this many priority points below its effective priority. */
    priorityGap: z.number().min(0),
    /** At most this many preemption notices (moves included) per round. */
    maxEvictionsPerRound: z.number().int().min(0),
    /** An instance moved off a node is not moved back there, nor moved again, within this many seconds. */
    moveCooldownSeconds: z.number().min(0),
    /** Half-life of a `priority_reduction` ledger entry. */
    priorityReductionHalfLifeSeconds: z.number().positive(),
    /** Notice given when the contract's `minNoticeSeconds` is shorter (AWS Spot gives 120 s). */
    defaultNoticeSeconds: z.number().min(0),
    /**
     * Downtime of a stop-and-restart (resubmit, wait a round, start). A contract whose `maxInterruptionSeconds` is
     * shorter can only be moved make-before-break, never stopped.
     */
    restartDowntimeSeconds: z.number().min(0),
    /** Fraction of the work done since start that a stopped instance must redo (no checkpoint information). */
    workRedoneFraction: z.number().min(0).max(1),
    /** Feedback samples needed before an instance can be judged on its observed use. */
    minFeedbackSamples: z.number().int().min(1),
    /** Low utilization: observed mean below this fraction of the declared avg on every resource. */
    lowUtilizationRatio: z.number().min(0).max(1),
    /** Profile violation: observed use above this multiple of the declared peak on some resource... */
    profileViolationRatio: z.number().min(1),
    /**
     * ...in at least this fraction of the last minFeedbackSamples samples (sustained, not one spike: with 6 samples
     * and 0.5, three 5-minute samples of the half hour).
     */
    profileViolationSustainedFraction: z.number().gt(0).max(1),
    /**
     * QoS limit on slowdown (1.15 = 15% slower than alone). Placement refuses a node where the candidate's predicted
     * slowdown, or a co-runner's (its reported slowdown plus what the candidate adds), would exceed it, and a node
     * whose residents report a slowdown above it accepts nothing new. The default sits a margin below the QoS
     * threshold the simulator and issue 5 count violations at (1.2): a model's 0.9 quantile of slowdown is exceeded
     * one step in ten, and reported slowdowns lag. Measured on seven simulator seeds (docs/benchmarks.md): QoS
     * violation hours 18% lower on average than with 1.2, welfare 0.5% lower.
     */
    qosSlowdownLimit: z.number().min(1),
    /**
     * Interruptible instances at or above this effective priority are only moved, never stopped, except for their
     * own profile violation or a drain (protection.ts). 75 = the `high` class; above 100 protects nobody.
     */
    protectedPriority: z.number().min(0),
    /** Interference preemption: slowdown an instance adds to its co-runners (sum, 0.2 = 20%) above this. */
    interferenceThreshold: z.number().min(0),
    /**
     * Percentage of nodes to find feasible before scoring, as kube-scheduler's `percentageOfNodesToScore`;
     * 0 = kube's adaptive default (50 − nodes/125, at least 5%, at least 100 nodes), 100 = all nodes.
     */
    percentageOfNodesToScore: z.number().min(0).max(100),
    /**
     * With an interference model that predicts per co-runner (the learned head: no aggregate path, no cheap bound),
     * placement estimates at most this many nodes that pass the QoS limit, taken best first by the score with the
     * statistical model's cheap slowdown bound in place of the learned estimate; 0 = estimate every node found
     * (exact, O(nodes × co-runners) network passes per instance placed).
     */
    interferenceShortlist: z.number().int().min(0),
  })
  .strict();

export type EngineConfig = z.infer<typeof engineConfigSchema>;

export const defaultEngineConfig: EngineConfig = {
  scorers: [...SCORER_NAMES],
  weights: {
    price: 1,
    priority: 1,
    efficiency: 0.3,
    standing: 0.2,
    interference: 1,
    packing: 0.3,
    balance: 0.2,
  },
  epsilon: 0.025,
  paymentRule: 'uniform',
  // Roughly a tenth of on-demand list prices: 0.005 per core-hour, 0.002 per GiB-hour, 0.00005 per Mbps-hour.
  reservePrice: { cpu: 0.005, memory: 0.002 / 1024, network: 0.00005 },
  defaultMaxWaitSeconds: 3600,
  minRuntimeSeconds: 300,
  priorityGap: 10,
  maxEvictionsPerRound: 50,
  moveCooldownSeconds: 1800,
  priorityReductionHalfLifeSeconds: 7 * 24 * 3600,
  defaultNoticeSeconds: 120,
  restartDowntimeSeconds: 300,
  workRedoneFraction: 0.25,
  minFeedbackSamples: 6,
  lowUtilizationRatio: 0.2,
  profileViolationRatio: 1.5,
  profileViolationSustainedFraction: 0.5,
  qosSlowdownLimit: 1.15,
  protectedPriority: 75,
  interferenceThreshold: 0.3,
  percentageOfNodesToScore: 0,
  interferenceShortlist: 32,
};

/** Merges a partial config over the defaults and validates it; throws a ZodError naming the bad field. */
export function resolveEngineConfig(partial?: Partial<EngineConfig>): EngineConfig {
  if (partial === undefined) return defaultEngineConfig;
  const merged = {
    ...defaultEngineConfig,
    ...partial,
    weights: { ...defaultEngineConfig.weights, ...(partial.weights ?? {}) },
    reservePrice: { ...defaultEngineConfig.reservePrice, ...(partial.reservePrice ?? {}) },
  };
  return engineConfigSchema.parse(merged);
}

/**
 * What the engine's schema says of a partial config, merged as `resolveEngineConfig` merges it: null when it passes,
 * otherwise every problem as `path: message`, joined by "; ". For callers that name the source in their own error.
 */
export function engineConfigProblems(partial: Partial<EngineConfig>): string | null {
  try {
    resolveEngineConfig(partial);
    return null;
  } catch (error) {
    if (error instanceof z.ZodError) return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return (error as Error).message; // not an object at all (`null`, a number): the merge itself failed
  }
}
