/**
 * When would a bid that does not fit now find room? Running instances leave at their expected end
 * (startedAt + expectedRuntimeSeconds; a notified one at its deadline). Per node, remove leavers in order of leaving
 * until one instance of the bid fits under the chance constraint; the earliest such time over all nodes, in seconds
 * from now, or −1 if even an empty node would not fit it. One batched prediction; O(instances · log) overall.
 */
import type { EngineDeps, PendingBid, Snapshot } from './types.js';
import type { EngineConfig } from './config.js';
import { Cluster } from './cluster.js';
import { addDemand, demandMoments, emptyLoad } from './moments.js';
import { chanceFit } from './chance.js';
import { normalQuantile } from './normal.js';

export function estimateStartSeconds(snapshot: Snapshot, bid: PendingBid, deps: EngineDeps, config: EngineConfig): number {
  const now = snapshot.now;
  const inputs = snapshot.instances.map((i) => ({ profile: i.profile, history: i.history }));
  inputs.push({ profile: bid.profile, history: [] });
  const predictions = deps.predictor.predict(inputs);
  const z = normalQuantile(1 - config.epsilon);
  const cluster = new Cluster(snapshot.nodes);
  const leavers: { at: number; idx: number }[][] = snapshot.nodes.map(() => []);
  snapshot.instances.forEach((inst, k) => {
    const nodeIdx = cluster.nodeIndex(inst.nodeId);
    const moments = demandMoments(predictions[k]!, inst.profile);
    cluster.add(nodeIdx, { id: inst.id, instance: inst, view: { id: inst.id, profile: inst.profile, prediction: predictions[k]! }, moments });
    const at = inst.notice !== null ? inst.notice.deadline : inst.startedAt + inst.profile.expectedRuntimeSeconds * 1000;
    leavers[nodeIdx]!.push({ at, idx: k });
  });
  const need = demandMoments(predictions[predictions.length - 1]!, bid.profile);
  let best = Infinity;
  for (let i = 0; i < snapshot.nodes.length; i++) {
    const node = snapshot.nodes[i]!;
    if (node.draining || chanceFit(emptyLoad(), need, node, z) !== null) continue;
    const load = { ...cluster.loads[i]! };
    if (chanceFit(load, need, node, z) === null) return 0;
    const order = leavers[i]!.sort((a, b) => a.at - b.at);
    for (const { at, idx } of order) {
      if (at - now >= best * 1000) break;
      const inst = snapshot.instances[idx]!;
      const m = demandMoments(predictions[idx]!, inst.profile);
      addDemand(load, m, -1);
      if (chanceFit(load, need, node, z) === null) {
        best = Math.min(best, Math.max(0, (at - now) / 1000));
        break;
      }
    }
  }
  return Number.isFinite(best) ? best : -1;
}
