/**
 * When would a bid that does not fit now find room? Running instances leave at their end: by default their expected
 * end (startedAt + expectedRuntimeSeconds; a notified one at its notice deadline), or at the ends a caller draws (the
 * quote samples declared runtimes, which are estimates). Per node, remove leavers in order of leaving until one
 * instance of the bid fits under the chance constraint; the earliest such time over all nodes, in seconds from now,
 * or −1 if even an empty node would not fit it. One batched prediction when the model is built; each evaluation is
 * O(instances · log) for the sort of leavers per node.
 */
import type { EngineDeps, PendingBid, PredictorInput, RunningInstance, Snapshot } from './types.js';
import type { DemandMoments, NodeLoad } from './types.js';
import type { EngineConfig } from './config.js';
import { Cluster } from './cluster.js';
import { addDemand, demandMoments, emptyLoad } from './moments.js';
import { chanceFit } from './chance.js';
import { normalQuantile } from './normal.js';

/** When instance `inst` leaves, as epoch ms. */
export type EndOf = (inst: RunningInstance) => number;

export const expectedEnd: EndOf = (inst) =>
  inst.notice !== null ? inst.notice.deadline : inst.startedAt + inst.profile.expectedRuntimeSeconds * 1000;

interface NodeLeavers {
  nodeIdx: number;
  load: NodeLoad;
  leavers: { inst: RunningInstance; moments: DemandMoments }[];
}

export interface StartModel {
  /** Seconds from now until the bid first fits, −1 when it never can. */
  earliest(endOf: EndOf): number;
}

/** The start estimate's one batched prediction: every instance of the snapshot, then the bid (no history). */
export function startModelInputs(snapshot: Snapshot, bid: PendingBid): PredictorInput[] {
  const inputs: PredictorInput[] = snapshot.instances.map((i) => ({ profile: i.profile, history: i.history }));
  inputs.push({ profile: bid.profile, history: [] });
  return inputs;
}

export function startModel(snapshot: Snapshot, bid: PendingBid, deps: EngineDeps, config: EngineConfig): StartModel {
  const now = snapshot.now;
  const predictions = deps.predictor.predict(startModelInputs(snapshot, bid));
  const z = normalQuantile(1 - config.epsilon);
  const cluster = new Cluster(snapshot.nodes);
  const perNode: NodeLeavers[] = snapshot.nodes.map((_, nodeIdx) => ({ nodeIdx, load: emptyLoad(), leavers: [] }));
  snapshot.instances.forEach((inst, k) => {
    const entry = perNode[cluster.nodeIndex(inst.nodeId)]!;
    const moments = demandMoments(predictions[k]!, inst.profile);
    addDemand(entry.load, moments, 1);
    entry.leavers.push({ inst, moments });
  });
  const need = demandMoments(predictions[predictions.length - 1]!, bid.profile);
  // Only nodes that could hold the bid when empty matter.
  const candidates = perNode.filter(({ nodeIdx }) => {
    const node = snapshot.nodes[nodeIdx]!;
    return !node.draining && chanceFit(emptyLoad(), need, node, z) === null;
  });

  return {
    earliest(endOf: EndOf): number {
      if (candidates.length === 0) return -1;
      let best = Infinity;
      for (const { nodeIdx, load: start, leavers } of candidates) {
        const node = snapshot.nodes[nodeIdx]!;
        const load = { ...start };
        if (chanceFit(load, need, node, z) === null) return 0;
        const order = leavers.map((l) => ({ at: endOf(l.inst), moments: l.moments })).sort((a, b) => a.at - b.at);
        for (const { at, moments } of order) {
          if (at - now >= best * 1000) break;
          addDemand(load, moments, -1);
          if (chanceFit(load, need, node, z) === null) {
            best = Math.min(best, Math.max(0, (at - now) / 1000));
            break;
          }
        }
      }
      return Number.isFinite(best) ? best : -1;
    },
  };
}

/** The start estimate at every instance's expected end. */
export function estimateStartSeconds(snapshot: Snapshot, bid: PendingBid, deps: EngineDeps, config: EngineConfig): number {
  return startModel(snapshot, bid, deps, config).earliest(expectedEnd);
}
