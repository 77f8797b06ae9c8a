/**
 * Placement: filter nodes by the chance constraint and memory peaks, score the feasible ones, pick the best; bids
 * with count > 1 are placed all-or-nothing. Like kube-scheduler, the scan starts where the previous one stopped and
 * stops after `numToFind` feasible nodes (see sampling.ts).
 */
import type { DemandMoments, DemandView, LoadInterferenceEstimate, MarketNode, NodeLoad, ScoreTerm } from './types.js';
import type { Cluster, Resident } from './cluster.js';
import type { EngineDeps } from './types.js';
import type { NodeView, ScoredDemand, ScorerSet } from './scorers/index.js';
import { PACKING } from './scorers/index.js';
import { fillShares, meanShare, shareAfter, shareSpread } from './scorers/shares.js';
import { slowdownOf, squash } from './scorers/interference.js';
import { clamp01 } from './scorers/types.js';
import { chanceFit } from './chance.js';
import { nodeTerms } from './breakdown.js';
import { copyLoadEstimate, newLoadEstimate } from './loadEstimate.js';

export interface PlacementEnv {
  cluster: Cluster;
  deps: EngineDeps;
  /** z(1 − ε) of the chance constraint. */
  z: number;
  scorers: ScorerSet;
  numToFind: number;
  /** config.qosSlowdownLimit: the slowdown placement may not push anyone past (qos.ts). */
  qosLimit: number;
  /** Where the next scan starts (advanced after every scan). */
  cursor: number;
}

export interface NodeChoice {
  nodeIdx: number;
  score: number;
  interference: LoadInterferenceEstimate;
}

/** A chosen node with the node-level terms that explain the choice (computed on the load before the instance). */
export interface PlacedInstance extends NodeChoice {
  terms: ScoreTerm[];
  resident: Resident;
}

/** Interference of `candidate` on a node, through the model's O(1) aggregate path when it has one. */
export function interferenceOn(
  deps: EngineDeps,
  candidate: DemandView,
  moments: DemandMoments,
  node: MarketNode,
  load: NodeLoad,
  residents: readonly Resident[],
  exclude: Resident | null,
  out?: LoadInterferenceEstimate,
): LoadInterferenceEstimate {
  const model = deps.interference;
  if (model.estimateLoad) return model.estimateLoad(moments, node, load, out);
  const coRunners = [];
  for (const r of residents) if (r !== exclude) coRunners.push(r.view);
  const est = model.estimate(candidate, node, coRunners);
  let total = 0;
  for (const a of est.addedSlowdown) total += a;
  return { candidateSlowdown: est.candidateSlowdown, totalAddedSlowdown: total, components: est.components };
}

/**
 * The best feasible node for one instance, or null. `skip(i)` excludes nodes (the source of a move, cooldowns).
 *
 * This runs for every (instance, node) pair a scan visits (over a million per round in the engine benchmark), so the
 * node scorers are evaluated inline from their kinds (scorers/index.ts `fast`) with the same helpers and the same
 * order of operations as the scorer plugins: the same scores, bit for bit, without a call per scorer (a double
 * returned from a call that is not inlined is boxed on the heap). A test checks it against the plugins.
 */
export function bestNode(
  env: PlacementEnv,
  demand: ScoredDemand,
  view: DemandView,
  skip: ((nodeIdx: number) => boolean) | null,
): NodeChoice | null {
  const { cluster } = env;
  const { nodes, loads, reportedSlowdown } = cluster;
  const n = nodes.length;
  if (n === 0) return null;
  const { partialKinds, partialWeights, interferenceWeights, interferenceSignedWeights } = env.scorers.fast;
  const upperBound = env.scorers.interferenceUpperBound;
  const model = env.deps.interference;
  const m = demand.moments;
  const { z, qosLimit, numToFind } = env;
  let best: NodeChoice | null = null;
  let found = 0;
  let processed = 0;
  const start = env.cursor % n;
  // One estimate object reused across the scan; the best one is copied out.
  const scratch = newLoadEstimate();
  for (; processed < n && found < numToFind; processed++) {
    const i = (start + processed) % n;
    const node = nodes[i]!;
    if (node.draining || (skip !== null && skip(i))) continue;
    const load = loads[i]!;
    if (chanceFit(load, m, node, z) !== null) continue;
    // Residents already report more slowdown than the QoS limit: whatever the model predicts, add nothing here.
    const reported = reportedSlowdown[i]!;
    if (reported > qosLimit) continue;
    found++;
    const cpuShare = shareAfter(load.cpuMean, m.cpuMean, node.cpu);
    const memoryShare = shareAfter(load.memoryMean, m.memoryMean, node.memory);
    const networkShare = shareAfter(load.networkMean, m.networkMean, node.network);
    let partial = 0;
    for (let k = 0; k < partialKinds.length; k++) {
      const value =
        partialKinds[k] === PACKING
          ? clamp01(meanShare(cpuShare, memoryShare, networkShare))
          : clamp01(1 - shareSpread(cpuShare, memoryShare, networkShare));
      partial += partialWeights[k]! * value;
    }
    // Branch and bound: if even the best interference terms cannot lift this node above the best so far, skip the
    // estimate. Exact, because a later node replaces the best only when strictly better.
    if (best !== null) {
      if (partial + upperBound <= best.score) continue;
      // Tighter: the model's cheap lower bound on the slowdown, when it has one (the interference cost is at least
      // squash of it).
      const lb = model.slowdownLowerBound?.(m, node, load);
      if (lb !== undefined) {
        const least = squash(Math.max(0, lb));
        let bound = 0;
        for (let k = 0; k < interferenceWeights.length; k++) bound -= interferenceWeights[k]! * least;
        if (partial + bound <= best.score) continue;
      }
    }
    const interference = interferenceOn(env.deps, view, m, node, load, cluster.residents[i]!, null, scratch);
    if (!withinQos(interference, load.count, reported, qosLimit)) continue;
    const cost = squash(slowdownOf(interference.candidateSlowdown, interference.totalAddedSlowdown));
    let rest = 0;
    for (let k = 0; k < interferenceSignedWeights.length; k++) rest += interferenceSignedWeights[k]! * cost;
    const score = partial + rest;
    if (best === null || score > best.score) {
      best = { nodeIdx: i, score, interference: copyLoadEstimate(interference) };
    }
  }
  env.cursor = (start + processed) % n;
  return best;
}

/**
 * The QoS limit on a node, from the estimate with the candidate: the candidate's predicted slowdown, and the worst
 * co-runner's, taken as the node's highest reported slowdown (1 when none reports) plus the mean slowdown the
 * candidate adds to each co-runner (the aggregate path gives only the sum; the statistical model's addition is the
 * same for every co-runner).
 */
export function withinQos(est: LoadInterferenceEstimate, coRunners: number, reported: number, limit: number): boolean {
  if (est.candidateSlowdown > limit) return false;
  return coRunners === 0 || reported + est.totalAddedSlowdown / coRunners <= limit;
}

/**
 * Places `count` instances all-or-nothing, adding each to the cluster as it goes (so later instances of the same bid
 * see earlier ones). On failure every instance added is removed again and null is returned.
 */
export function placeAll(env: PlacementEnv, demand: ScoredDemand, view: DemandView, count: number): PlacedInstance[] | null {
  const placed: PlacedInstance[] = [];
  for (let k = 0; k < count; k++) {
    const choice = bestNode(env, demand, view, null);
    if (choice === null) {
      unplace(env.cluster, placed);
      return null;
    }
    placed.push(commit(env, demand, view, choice, `${demand.id}#${k}`, null));
  }
  return placed;
}

export function unplace(cluster: Cluster, placed: readonly PlacedInstance[]): void {
  for (const p of placed) cluster.remove(p.nodeIdx, p.resident);
}

/** Records the explanation of a choice and adds the instance to the cluster. */
export function commit(
  env: PlacementEnv,
  demand: ScoredDemand,
  view: DemandView,
  choice: NodeChoice,
  residentId: string,
  instance: Resident['instance'],
): PlacedInstance {
  const { cluster } = env;
  const nodeView: NodeView = {
    node: cluster.nodes[choice.nodeIdx]!,
    load: cluster.loads[choice.nodeIdx]!,
    interference: choice.interference,
    shares: new Float64Array(3),
  };
  fillShares(nodeView, demand);
  const terms = nodeTerms(env.scorers, demand, nodeView);
  const resident: Resident = { id: residentId, instance, view, moments: demand.moments };
  cluster.add(choice.nodeIdx, resident);
  return { ...choice, terms, resident };
}
