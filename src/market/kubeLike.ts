/**
 * The kube-like baseline: kube-scheduler's default behaviour on the same snapshot, for benchmarks and the simulator.
 *   - requests = declared peaks (what a careful user writes as requests so the pod is never throttled or OOM-killed)
 *   - filter (NodeResourcesFit): Σ requests + request ≤ allocatable on CPU, memory and network
 *   - score: LeastAllocated + BalancedAllocation on requests, weight 1 each, 0–100 like the framework
 *       leastAllocated = 100 · mean_r (capacity_r − requested_r) / capacity_r
 *       balanced       = 100 · (1 − std_r(requested_r / capacity_r))
 *   - queue order: priority class points, then submission time; no prediction, no interference, pay-as-bid
 *   - node sampling as percentageOfNodesToScore (sampling.ts), the same as Parley's
 *   - optional DefaultPreemption: evict strictly lower-priority instances, fewest and lowest first, 30 s grace,
 *     ignoring interruptibility contracts (kube has only PodDisruptionBudgets, not modelled)
 */
import type {
  BidOutcome,
  PendingBid,
  Placement,
  Plan,
  Prediction,
  Preemption,
  RandomSource,
  RunningInstance,
  ScoreTerm,
  Snapshot,
  WorkloadProfile,
} from './types.js';
import { PRIORITY_POINTS } from './types.js';
import { applyDeadlines, expireBids } from './lifecycle.js';
import { numFeasibleNodesToFind } from './sampling.js';
import { validateSnapshot } from './validate.js';
import { MarketInputError } from './errors.js';
import { defaultEngineConfig } from './config.js';

export interface KubeLikeConfig {
  preemption: boolean;
  percentageOfNodesToScore: number;
  /** Seeds the first node the scan starts at, as Parley's rounds do; 0 when absent. */
  random: RandomSource | null;
  /** Grace period given to preempted pods (kube's default terminationGracePeriodSeconds). */
  gracePeriodSeconds: number;
  defaultMaxWaitSeconds: number;
}

const DEFAULTS: KubeLikeConfig = {
  preemption: false,
  percentageOfNodesToScore: 0,
  random: null,
  gracePeriodSeconds: 30,
  defaultMaxWaitSeconds: defaultEngineConfig.defaultMaxWaitSeconds,
};

interface Pod {
  inst: RunningInstance;
  priority: number;
}

const requestsOf = (p: WorkloadProfile): [number, number, number] => [p.cpu.peak, p.memory.peak, p.network.peak];

/** The declared profile as a "prediction", so kube-like plans have the same shape as Parley's. */
function declared(p: WorkloadProfile): Prediction {
  const q = (s: { avg: number; peak: number }) => ({ mean: s.avg, p95: s.peak, p99: s.peak });
  return { cpu: q(p.cpu), memory: q(p.memory), network: q(p.network), modelVersion: null };
}

export function kubeLikeRound(snapshot: Snapshot, options: Partial<KubeLikeConfig> = {}): Plan {
  const cfg: KubeLikeConfig = { ...DEFAULTS, ...options };
  validateSnapshot(snapshot);
  const { now, nodes } = snapshot;
  const n = nodes.length;
  const { terminations, active } = applyDeadlines(snapshot.instances, now);
  const { live, expired } = expireBids(snapshot.bids, now, cfg.defaultMaxWaitSeconds);

  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.id, i));
  const cap = new Float64Array(3 * n);
  const req = new Float64Array(3 * n);
  nodes.forEach((node, i) => {
    cap[3 * i] = node.cpu;
    cap[3 * i + 1] = node.memory;
    cap[3 * i + 2] = node.network;
  });
  const pods: Pod[][] = nodes.map(() => []);
  const addReq = (i: number, r: readonly number[], sign: number) => {
    for (let k = 0; k < 3; k++) req[3 * i + k] = req[3 * i + k]! + sign * r[k]!;
  };
  for (const inst of active) {
    const i = index.get(inst.nodeId);
    if (i === undefined) throw new MarketInputError(`unknown node id ${inst.nodeId}`);
    addReq(i, requestsOf(inst.profile), 1);
    pods[i]!.push({ inst, priority: PRIORITY_POINTS[inst.declaredPriority] });
    const dest = inst.state === 'notified' ? inst.notice?.moveToNodeId ?? null : null;
    const j = dest === null ? undefined : index.get(dest);
    if (j !== undefined) addReq(j, requestsOf(inst.profile), 1);
  }

  const fits = (i: number, r: readonly number[]) =>
    req[3 * i]! + r[0]! <= cap[3 * i]! && req[3 * i + 1]! + r[1]! <= cap[3 * i + 1]! && req[3 * i + 2]! + r[2]! <= cap[3 * i + 2]!;
  const fractions = (i: number, r: readonly number[]): [number, number, number] => [
    cap[3 * i]! > 0 ? (req[3 * i]! + r[0]!) / cap[3 * i]! : 1,
    cap[3 * i + 1]! > 0 ? (req[3 * i + 1]! + r[1]!) / cap[3 * i + 1]! : 1,
    cap[3 * i + 2]! > 0 ? (req[3 * i + 2]! + r[2]!) / cap[3 * i + 2]! : 1,
  ];
  const terms = (i: number, r: readonly number[]): ScoreTerm[] => {
    const [a, b, c] = fractions(i, r);
    const least = ((1 - a) + (1 - b) + (1 - c)) / 3;
    const mean = (a + b + c) / 3;
    const balanced = 1 - Math.sqrt(((a - mean) ** 2 + (b - mean) ** 2 + (c - mean) ** 2) / 3);
    return [
      { name: 'least_allocated', raw: least * 100, normalized: least, weight: 1, contribution: least },
      { name: 'balanced_allocation', raw: balanced * 100, normalized: balanced, weight: 1, contribution: balanced },
    ];
  };
  const score = (i: number, r: readonly number[]): number => {
    const [a, b, c] = fractions(i, r);
    const mean = (a + b + c) / 3;
    return 1 - mean + 1 - Math.sqrt(((a - mean) ** 2 + (b - mean) ** 2 + (c - mean) ** 2) / 3);
  };

  const numToFind = numFeasibleNodesToFind(n, cfg.percentageOfNodesToScore);
  let cursor = cfg.random === null ? 0 : Math.floor(cfg.random.next() * Math.max(1, n));
  const bestNode = (r: readonly number[]): number => {
    let best = -1;
    let bestScore = -Infinity;
    let found = 0;
    let processed = 0;
    const start = n === 0 ? 0 : cursor % n;
    for (; processed < n && found < numToFind; processed++) {
      const i = (start + processed) % n;
      if (nodes[i]!.draining || !fits(i, r)) continue;
      found++;
      const s = score(i, r);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    cursor = n === 0 ? 0 : (start + processed) % n;
    return best;
  };

  const queue = [...live].sort(
    (a, b) =>
      PRIORITY_POINTS[b.priority ?? b.profile.priority] - PRIORITY_POINTS[a.priority ?? a.profile.priority] ||
      a.submittedAt - b.submittedAt ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const placements: Placement[] = [];
  const outcomes: BidOutcome[] = [...expired];
  const preemptions: Preemption[] = [];
  const evicted = new Set<string>();

  for (const bid of queue) {
    const r = requestsOf(bid.profile);
    const chosen: number[] = [];
    const chosenTerms: ScoreTerm[][] = [];
    for (let k = 0; k < bid.count; k++) {
      const i = bestNode(r);
      if (i < 0) break;
      chosenTerms.push(terms(i, r));
      addReq(i, r, 1);
      chosen.push(i);
    }
    if (chosen.length === bid.count) {
      const t = chosenTerms[0]!;
      placements.push({
        bidId: bid.id,
        nodeIds: chosen.map((i) => nodes[i]!.id),
        price: bid.price,
        effectivePriority: PRIORITY_POINTS[bid.priority ?? bid.profile.priority],
        score: { total: t.reduce((a, x) => a + x.contribution, 0), terms: t },
        predictions: chosen.map(() => declared(bid.profile)),
        interferenceScores: chosen.map(() => 0),
      });
      continue;
    }
    for (const i of chosen) addReq(i, r, -1);
    const victims = cfg.preemption ? preempt(bid, r) : null;
    if (victims !== null) {
      for (const v of victims) {
        evicted.add(v.inst.id);
        preemptions.push({
          instanceId: v.inst.id,
          reason: 'priority',
          preemptorId: bid.id,
          noticeSeconds: cfg.gracePeriodSeconds,
          deadline: now + cfg.gracePeriodSeconds * 1000,
          penalty: null,
          moveToNodeId: null,
          score: { total: 0, terms: [] },
        });
      }
    }
    outcomes.push({
      bidId: bid.id,
      outcome: 'deferred',
      reason: victims === null ? 'capacity' : 'priority',
      detail: victims === null ? 'no node has room for the declared peaks' : `preempting ${victims.length} lower-priority pod(s)`,
      score: null,
    });
  }

  /** DefaultPreemption for one instance of the bid: the node needing the fewest, lowest-priority victims. */
  function preempt(bid: PendingBid, r: readonly number[]): Pod[] | null {
    const p = PRIORITY_POINTS[bid.priority ?? bid.profile.priority];
    let best: Pod[] | null = null;
    for (let i = 0; i < n; i++) {
      if (nodes[i]!.draining) continue;
      const lower = pods[i]!.filter((pod) => pod.priority < p && !evicted.has(pod.inst.id) && pod.inst.state === 'running');
      if (lower.length === 0) continue;
      lower.sort((a, b) => a.priority - b.priority || (a.inst.id < b.inst.id ? -1 : 1));
      const victims: Pod[] = [];
      for (const pod of lower) {
        if (fits(i, r)) break;
        addReq(i, requestsOf(pod.inst.profile), -1);
        victims.push(pod);
      }
      const ok = fits(i, r);
      for (const v of victims) addReq(i, requestsOf(v.inst.profile), 1);
      if (ok && victims.length > 0 && (best === null || victims.length < best.length)) best = victims;
    }
    return best;
  }

  return {
    now,
    modelVersion: null,
    placements,
    predictions: [],
    outcomes,
    preemptions,
    terminations,
    ledgerEntries: [],
    clearingPrices: { cpu: 0, memory: 0, network: 0 },
  };
}
