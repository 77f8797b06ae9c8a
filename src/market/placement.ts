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
import { newLoadEstimate } from './loadEstimate.js';
import { StatisticalInterferenceModel } from './interference.js';

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
  /** config.interferenceShortlist (0 = none). */
  shortlist: number;
}

/** Ranks nodes for the shortlist of a model without an aggregate path (see EngineConfig.interferenceShortlist). */
const proxyModel = new StatisticalInterferenceModel();

/**
 * Σ signed weight × cost over the interference scorers: what they add to a node's score at that cost, in the order
 * of operations of the scorer plugins (so the sum has the same bits).
 */
function interferenceTerms(signedWeights: Float64Array, cost: number): number {
  let rest = 0;
  for (let t = 0; t < signedWeights.length; t++) rest += signedWeights[t]! * cost;
  return rest;
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
  const tailSlowdown = est.tailSlowdown ?? 0;
  if (out === undefined) return { candidateSlowdown: est.candidateSlowdown, totalAddedSlowdown: total, tailSlowdown, components: est.components };
  out.candidateSlowdown = est.candidateSlowdown;
  out.totalAddedSlowdown = total;
  out.tailSlowdown = tailSlowdown;
  out.components.contention = est.components.contention;
  out.components.cacheThrashing = est.components.cacheThrashing;
  out.components.networkCongestion = est.components.networkCongestion;
  return out;
}

/** Scratch of a scan, grown as needed (rounds are synchronous, so one set serves every scan). */
let scanNodes = new Int32Array(0);
let scanPartial = new Float64Array(0);
let scanBound = new Float64Array(0);
let scanOrder = new Int32Array(0);

/**
 * The best feasible node for one instance, or null. `skip(i)` excludes nodes (the source of a move, cooldowns).
 *
 * This runs for every (instance, node) pair a scan visits (over a million per round in the engine benchmark), so it
 * works in passes over typed arrays, each a tight loop:
 *   1. the nodes the scan considers: from the cursor, the first `numToFind` that pass the chance constraint, the
 *      memory peaks and the reported slowdown (the same nodes, and the same cursor advance, as one pass would give);
 *   2. their score without interference, the node scorers evaluated inline from their kinds (scorers/index.ts
 *      `fast`) with the same helpers and the same order of operations as the scorer plugins (bit for bit);
 *   3. the model's cheap lower bound on each one's slowdown, in one batched call when the model has one (a double
 *      returned from a call per node that V8 does not inline is boxed on the heap);
 *   4. branch and bound: the full estimate only for a node whose bound can still beat the best so far (in scan order
 *      with a model that bounds its slowdown cheaply; best partial score first, stopping early, with one that does not).
 * A test checks it against the straightforward selection (every node estimated and scored by the plugins).
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
  const m = demand.moments;
  const { z, qosLimit, numToFind } = env;
  if (scanNodes.length < Math.min(n, numToFind)) {
    const size = Math.min(n, numToFind);
    scanNodes = new Int32Array(size);
    scanPartial = new Float64Array(size);
    scanBound = new Float64Array(size);
  }
  const idx = scanNodes;

  // 1. The nodes this scan considers.
  let found = 0;
  let processed = 0;
  const start = env.cursor % n;
  for (; processed < n && found < numToFind; processed++) {
    const i = (start + processed) % n;
    const node = nodes[i]!;
    if (node.draining || (skip !== null && skip(i))) continue;
    if (chanceFit(loads[i]!, m, node, z) !== null) continue;
    // Residents already report more slowdown than the QoS limit: whatever the model predicts, add nothing here.
    if (reportedSlowdown[i]! > qosLimit) continue;
    idx[found++] = i;
  }
  env.cursor = (start + processed) % n;
  if (found === 0) return null;

  // 2. Scores without interference.
  const { partialKinds, partialWeights, interferenceWeights, interferenceSignedWeights } = env.scorers.fast;
  const partials = scanPartial;
  for (let k = 0; k < found; k++) {
    const i = idx[k]!;
    const node = nodes[i]!;
    const load = loads[i]!;
    const cpuShare = shareAfter(load.cpuMean, m.cpuMean, node.cpu);
    const memoryShare = shareAfter(load.memoryMean, m.memoryMean, node.memory);
    const networkShare = shareAfter(load.networkMean, m.networkMean, node.network);
    let partial = 0;
    for (let t = 0; t < partialKinds.length; t++) {
      const value =
        partialKinds[t] === PACKING
          ? clamp01(meanShare(cpuShare, memoryShare, networkShare))
          : clamp01(1 - shareSpread(cpuShare, memoryShare, networkShare));
      partial += partialWeights[t]! * value;
    }
    partials[k] = partial;
  }

  // 3. The model's lower bounds, when it has them: batched, or one call per node.
  const model = env.deps.interference;
  const bounded = model.slowdownLowerBounds !== undefined || model.slowdownLowerBound !== undefined;
  if (model.slowdownLowerBounds !== undefined) model.slowdownLowerBounds(m, nodes, loads, idx, found, scanBound);
  else if (model.slowdownLowerBound !== undefined) {
    for (let k = 0; k < found; k++) scanBound[k] = model.slowdownLowerBound(m, nodes[idx[k]!]!, loads[idx[k]!]!);
  }

  // 4. Branch and bound. The best is the first node in scan order with the highest score, and a node is skipped only
  // when even the best interference terms (bounded by the model) cannot lift it above the best. A model with bounds
  // is visited in scan order. A model without them (the learned head, which costs a network pass per co-runner) is
  // visited best first by the score with the statistical model's cheap slowdown bound in place of the estimate
  // (scanBound holds that score), and after `shortlist` nodes within the QoS limit the scan stops: the best of those,
  // not of every node found.
  const ranked = !bounded && model.estimateLoad === undefined;
  if (ranked) {
    proxyModel.slowdownLowerBounds(m, nodes, loads, idx, found, scanBound);
    for (let k = 0; k < found; k++) {
      scanBound[k] = partials[k]! + interferenceTerms(interferenceSignedWeights, squash(Math.max(0, scanBound[k]!)));
    }
  }
  const limit = !ranked || env.shortlist <= 0 ? found : env.shortlist;
  let admitted = 0;
  const upperBound = env.scorers.interferenceUpperBound;
  let bestIdx = -1;
  let bestK = -1;
  let bestScore = 0;
  // Two estimate objects: the best node's so far and the one being computed; they swap when the best changes.
  let bestEstimate = newLoadEstimate();
  let scratch = newLoadEstimate();
  let order: Int32Array | null = null;
  if (ranked) {
    if (scanOrder.length < found) scanOrder = new Int32Array(scanNodes.length);
    order = scanOrder.subarray(0, found);
    for (let k = 0; k < found; k++) order[k] = k;
    const key = scanBound;
    order.sort((a, b) => key[b]! - key[a]! || a - b);
  }
  for (let step = 0; step < found && admitted < limit; step++) {
    const k = order === null ? step : order[step]!;
    const partial = partials[k]!;
    if (bestIdx >= 0) {
      if (ranked) {
        if (partial + upperBound < bestScore || (partial + upperBound === bestScore && k > bestK)) continue;
      } else {
        if (partial + upperBound <= bestScore) continue;
      }
      if (bounded) {
        // The interference cost is at least squash of the model's lower bound on the slowdown.
        const least = squash(Math.max(0, scanBound[k]!));
        let bound = 0;
        for (let t = 0; t < interferenceWeights.length; t++) bound -= interferenceWeights[t]! * least;
        if (partial + bound <= bestScore) continue;
      }
    }
    const i = idx[k]!;
    const load = loads[i]!;
    const interference = interferenceOn(env.deps, view, m, nodes[i]!, load, cluster.residents[i]!, null, scratch);
    if (!withinQos(interference, load.count, reportedSlowdown[i]!, qosLimit)) continue;
    admitted++;
    const cost = squash(slowdownOf(interference.candidateSlowdown, interference.totalAddedSlowdown));
    const score = partial + interferenceTerms(interferenceSignedWeights, cost);
    if (bestIdx < 0 || score > bestScore || (score === bestScore && k < bestK)) {
      bestIdx = i;
      bestK = k;
      bestScore = score;
      // A model without estimateLoad returns a fresh object rather than filling the scratch one: keep it as is.
      if (interference === scratch) {
        scratch = bestEstimate;
        bestEstimate = interference;
      } else bestEstimate = interference;
    }
  }
  return bestIdx < 0 ? null : { nodeIdx: bestIdx, score: bestScore, interference: bestEstimate };
}

/**
 * The QoS limit on a node, from the estimate with the candidate: the candidate's predicted slowdown (or, from a
 * model that predicts one, the highest upper-quantile slowdown of anyone on the node), and the worst co-runner's,
 * taken as the node's highest reported slowdown (1 when none reports) plus the mean slowdown the candidate adds to
 * each co-runner (the aggregate path gives only the sum; the statistical model's addition is the same for every
 * co-runner).
 */
export function withinQos(est: LoadInterferenceEstimate, coRunners: number, reported: number, limit: number): boolean {
  if (est.candidateSlowdown > limit || est.tailSlowdown > limit) return false;
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
