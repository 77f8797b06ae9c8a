/**
 * The market engine's contract: what a clearing round reads (a Snapshot) and what it decides (a Plan).
 *
 * Everything here is plain data. The engine is pure: it never reads the clock, a database, the network or
 * Math.random(); the time is `snapshot.now` and randomness, prediction and interference come in `EngineDeps`.
 *
 * Units everywhere: CPU in cores, memory in MiB, network in Mbps, money in currency units per instance-hour,
 * times as epoch milliseconds (`...At`, `now`) or seconds where the name says `Seconds`.
 */

export const RESOURCES = ['cpu', 'memory', 'network'] as const;
export type Resource = (typeof RESOURCES)[number];

export const PRIORITY_CLASSES = ['low', 'normal', 'high', 'critical'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** Priority points per class. A client's `priorityReduction` penalties are subtracted from these points. */
export const PRIORITY_POINTS: Readonly<Record<PriorityClass, number>> = {
  low: 25,
  normal: 50,
  high: 75,
  critical: 100,
};

export interface ResourceSpec {
  avg: number;
  peak: number;
}

export interface BurstSpec {
  /** Chance per minute that a spike starts, in [0, 1]. */
  probability: number;
  /** Multipliers of `avg` during a spike. */
  magnitude: { p50: number; p90: number; p99: number };
  durationSeconds: number;
}

export interface InterruptibilityContract {
  maxInterruptionsPerDay: number;
  maxInterruptionSeconds: number;
  minNoticeSeconds: number;
}

/** A client's declaration of a workload (the body of POST /submit_workload_profile). */
export interface WorkloadProfile {
  name: string;
  cpu: ResourceSpec;
  memory: ResourceSpec;
  network: ResourceSpec;
  burst: BurstSpec;
  interruptibility: InterruptibilityContract;
  priority: PriorityClass;
  expectedRuntimeSeconds: number;
}

/** One runtime feedback sample reported by a client (absolute units, `at` in epoch ms). */
export interface FeedbackSample {
  at: number;
  cpu: number;
  memory: number;
  network: number;
  /** Observed performance relative to running alone; 1.0 = no interference. */
  slowdown?: number;
}

export interface Quantiles {
  mean: number;
  p95: number;
  p99: number;
}

/** Predicted utilization over the next horizon, in absolute units per resource. */
export interface Prediction {
  cpu: Quantiles;
  memory: Quantiles;
  network: Quantiles;
  /** The model version that produced this prediction; null for the statistical predictor. */
  modelVersion: string | null;
  /**
   * The learned model's own tails where they were raised to a floor (EnvelopePredictor, envelope.ts): what online
   * recalibration (src/model/onlineCalibration.ts) measures feedback against. Absent for the statistical predictor.
   */
  modelTails?: Record<Resource, Pick<Quantiles, 'p95' | 'p99'>>;
}

export interface PredictorInput {
  profile: WorkloadProfile;
  /** Recent feedback of the instance, oldest first; empty for a new bid. */
  history: readonly FeedbackSample[];
}

/**
 * Predicts utilization. Called once per clearing round with every input of the round (batched), so a learned
 * model runs one inference per round rather than one per bid. Must be synchronous and deterministic.
 */
export interface Predictor {
  readonly version: string | null;
  predict(inputs: readonly PredictorInput[]): Prediction[];
}

export interface NodeCapacity {
  id: string;
  cpu: number;
  memory: number;
  network: number;
}

/** A workload as the interference model sees it: its declaration and its predicted demand. */
export interface DemandView {
  id: string;
  profile: WorkloadProfile;
  prediction: Prediction;
}

export interface InterferenceComponents {
  /** Probability that summed demand exceeds capacity on some resource, in [0, 1]. */
  contention: number;
  /** Pressure from memory-intensive co-runners, in [0, 1]. */
  cacheThrashing: number;
  /** Predicted network peaks against the node's bandwidth, in [0, 1]. */
  networkCongestion: number;
}

export interface InterferenceEstimate {
  /** Predicted slowdown of the candidate on that node (1.0 = none). */
  candidateSlowdown: number;
  /** Slowdown the candidate adds to each co-runner, same order as `coRunners` (0 = none; 0.1 = 10% slower). */
  addedSlowdown: number[];
  /**
   * Optional: the highest upper-quantile slowdown (a model's high quantile, not its median) of anyone on the node,
   * the candidate and every co-runner, once the candidate is there. A model that gives it lets placement keep each
   * instance's likely worst case, not only its expected slowdown, under the QoS limit.
   */
  tailSlowdown?: number;
  components: InterferenceComponents;
}

/**
 * Demand of one workload, or the sum over a node's workloads, as the moments the chance constraint needs.
 * Means and variances add under the independence assumption; `memoryPeak` sums declared memory peaks (the hard
 * limit); `networkP99` sums predicted network p99s (congestion).
 */
export interface DemandMoments {
  cpuMean: number;
  cpuVar: number;
  memoryMean: number;
  memoryVar: number;
  networkMean: number;
  networkVar: number;
  networkP99: number;
  memoryPeak: number;
}

/** The per-node aggregate computed once per round (pre-score pass) and updated as the round places instances. */
export interface NodeLoad extends DemandMoments {
  /** Number of instances counted on the node. */
  count: number;
}

/** What an interference model says from aggregates alone: the same as `InterferenceEstimate`, summed over co-runners. */
export interface LoadInterferenceEstimate {
  candidateSlowdown: number;
  /** Σ of the slowdown added to every co-runner. */
  totalAddedSlowdown: number;
  /** `InterferenceEstimate.tailSlowdown`, or 0 when the model does not give one. */
  tailSlowdown: number;
  components: InterferenceComponents;
}

export interface InterferenceModel {
  readonly version: string | null;
  /**
   * The quantile `tailSlowdown` estimates (0.9: nine steps in ten at or under it), for a model that gives one; the
   * engine then keeps everyone's tail under the QoS limit when placing and re-scheduling. Absent: no tail.
   */
  readonly upperQuantile?: number;
  estimate(candidate: DemandView, node: NodeCapacity, coRunners: readonly DemandView[]): InterferenceEstimate;
  /**
   * Optional O(1) path from the node's aggregate load (co-runners only, the candidate excluded). When absent the
   * engine calls `estimate` with the co-runner list, which costs O(co-runners) per (bid, node). When `out` is given
   * the estimate is written into it and returned (the engine reuses one object across the (bid, node) hot loop).
   */
  estimateLoad?(candidate: DemandMoments, node: NodeCapacity, load: NodeLoad, out?: LoadInterferenceEstimate): LoadInterferenceEstimate;
  /**
   * Optional cheap lower bound on (candidateSlowdown − 1) + totalAddedSlowdown from the aggregate, used to skip
   * `estimateLoad` on nodes that cannot win. Must never exceed the value `estimateLoad` would give.
   */
  slowdownLowerBound?(candidate: DemandMoments, node: NodeCapacity, load: NodeLoad): number;
  /**
   * Optional cheap upper bound on the totalAddedSlowdown that `estimateLoad` would give: never below it. Re-scheduling
   * uses it to skip the estimate for instances that cannot be above the interference threshold.
   */
  addedSlowdownUpperBound?(candidate: DemandMoments, node: NodeCapacity, load: NodeLoad): number;
  /**
   * Optional node-wide pass for a model that predicts per co-runner (no aggregate path): given everyone on a node,
   * returns the highest `tailSlowdown` anyone there has (what `estimate` of any one of them against the rest gives),
   * and writes to out[r] an upper bound on the totalAddedSlowdown that `estimate` of views[r] against the rest would
   * give. Re-scheduling then estimates only the residents that may be above the interference threshold: one pass of
   * O(residents) instead of O(residents²) per node.
   */
  residentBounds?(views: readonly DemandView[], node: NodeCapacity, out: Float64Array): number;
  /**
   * Optional batched form of `slowdownLowerBound`: for k < count, out[k] = the bound on nodes[nodeIdx[k]] with load
   * loads[nodeIdx[k]]. Node selection prefers it (one call per scan instead of one per node it visits).
   */
  slowdownLowerBounds?(
    candidate: DemandMoments,
    nodes: readonly NodeCapacity[],
    loads: readonly NodeLoad[],
    nodeIdx: Int32Array,
    count: number,
    out: Float64Array,
  ): void;
}

/** A seeded source of uniform numbers in [0, 1). */
export interface RandomSource {
  next(): number;
}

export interface EngineDeps {
  predictor: Predictor;
  interference: InterferenceModel;
  random: RandomSource;
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshot: what a round reads
// ---------------------------------------------------------------------------------------------------------------

export interface MarketNode extends NodeCapacity {
  labels: Record<string, string>;
  /** A draining node accepts nothing new; its instances get notice and are moved or preempted (reason `drain`). */
  draining: boolean;
}

export interface Penalty {
  /** Credited to the client if Parley force-terminates an uninterruptible instance. */
  fee: number;
  /** Priority points the client loses on future bids if the instance is preempted for violating its profile. */
  priorityReduction: number;
}

export interface PendingBid {
  id: string;
  clientId: string;
  profileId: string;
  profile: WorkloadProfile;
  /** The most the client will pay per instance-hour. */
  price: number;
  /** Overrides the profile's priority when set. */
  priority?: PriorityClass;
  count: number;
  uninterruptible: boolean;
  penalty?: Penalty;
  maxWaitSeconds?: number;
  submittedAt: number;
}

export type InstanceState = 'running' | 'notified';

export interface PreemptionNotice {
  reason: ReasonCode;
  noticeGivenSeconds: number;
  /** Epoch ms at which the instance is stopped (or has moved). */
  deadline: number;
  noticedAt: number;
  preemptorId: string | null;
  penalty: Penalty | null;
  /** Where a make-before-break move goes; null when the instance will be terminated. */
  moveToNodeId: string | null;
}

export interface RunningInstance {
  id: string;
  bidId: string;
  clientId: string;
  nodeId: string;
  profile: WorkloadProfile;
  /** The bid's price (the client's value per instance-hour). */
  bidPrice: number;
  /** What the client pays per instance-hour (never above `bidPrice`). */
  price: number;
  declaredPriority: PriorityClass;
  /** Priority points at admission, after ledger reductions. */
  effectivePriority: number;
  uninterruptible: boolean;
  penalty: Penalty | null;
  state: InstanceState;
  startedAt: number;
  /** Epoch ms of every past interruption (notice or move), for the contract's per-day budget. */
  interruptions: readonly number[];
  /** Nodes this instance was moved off, with the time, for hysteresis. */
  movedFrom: readonly { nodeId: string; at: number }[];
  /** Recent feedback, oldest first. */
  history: readonly FeedbackSample[];
  notice: PreemptionNotice | null;
}

export type LedgerKind = 'fee' | 'priority_reduction';

export interface LedgerEntry {
  clientId: string;
  kind: LedgerKind;
  /** Currency units for `fee`, priority points for `priority_reduction`. */
  amount: number;
  at: number;
  instanceId: string;
  reason: ReasonCode;
}

export interface Snapshot {
  now: number;
  nodes: readonly MarketNode[];
  instances: readonly RunningInstance[];
  bids: readonly PendingBid[];
  ledger: readonly LedgerEntry[];
}

// ---------------------------------------------------------------------------------------------------------------
// Plan: what a round decides
// ---------------------------------------------------------------------------------------------------------------

export const REASON_CODES = [
  'capacity',
  'outbid',
  'priority',
  'low_utilization',
  'interference',
  'profile_violation',
  'contract_budget',
  'drain',
  'expired',
  'reserve_price',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** One scorer's contribution to a decision: raw value, normalized value in [0, 1], weight, and weighted term. */
export interface ScoreTerm {
  name: string;
  raw: number;
  normalized: number;
  weight: number;
  /** weight × normalized, negative for cost terms. */
  contribution: number;
}

export interface ScoreBreakdown {
  total: number;
  terms: ScoreTerm[];
}

export interface Placement {
  bidId: string;
  /** One node per instance, `count` of them (all-or-nothing). */
  nodeIds: string[];
  /** Price paid per instance-hour under the configured payment rule (≤ the bid's price). */
  price: number;
  effectivePriority: number;
  score: ScoreBreakdown;
  /** Predicted utilization used for the decision, per instance (same order as nodeIds). */
  predictions: Prediction[];
  /** Interference score per instance (0 = none), same order as nodeIds. */
  interferenceScores: number[];
}

export interface BidOutcome {
  bidId: string;
  /** `rejected` and `expired` are final; `deferred` stays pending for a later round. */
  outcome: 'rejected' | 'expired' | 'deferred';
  reason: ReasonCode;
  detail: string;
  score: ScoreBreakdown | null;
}

export interface Preemption {
  instanceId: string;
  reason: ReasonCode;
  /** The bid (or instance) that displaces it, where there is one. */
  preemptorId: string | null;
  noticeSeconds: number;
  deadline: number;
  /** The penalty owed (fee credited, priority reduction charged), null when none. */
  penalty: Penalty | null;
  /** Make-before-break destination, or null when the instance is terminated at the deadline. */
  moveToNodeId: string | null;
  score: ScoreBreakdown;
}

/** An instance whose notice deadline has passed: stop it (or complete its move). */
export interface Termination {
  instanceId: string;
  /** `preempted` at its deadline, or `moved` to `nodeId`. */
  kind: 'preempted' | 'moved';
  nodeId: string | null;
}

/** A running instance's prediction as a round made it anew (from the instance's latest feedback). */
export interface InstancePrediction {
  instanceId: string;
  prediction: Prediction;
}

export interface Plan {
  now: number;
  modelVersion: string | null;
  placements: Placement[];
  /**
   * The prediction this round decided each running instance with, for every instance still active after the
   * deadlines (snapshot order): rounds re-predict running instances from their latest feedback, and this is what an
   * instance's status shows from then on. A policy that does not predict lists none, and instances keep the
   * prediction they were admitted with.
   */
  predictions: InstancePrediction[];
  outcomes: BidOutcome[];
  preemptions: Preemption[];
  terminations: Termination[];
  ledgerEntries: LedgerEntry[];
  /** Uniform clearing price per resource unit this round (the reserve price when nothing cleared). */
  clearingPrices: Record<Resource, number>;
}

export interface Quote {
  admitProbability: number;
  expectedClearingPrice: number;
  estimatedStartSeconds: number;
  preemptionProbability: number;
}
