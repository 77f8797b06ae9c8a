/**
 * The round's working view of the cluster: per-node aggregate loads (the pre-score pass, computed once) and the
 * residents of every node. Placements, moves and evictions during the round update it in place, so a (bid, node)
 * check costs O(1) and no bid ever copies the cluster.
 */
import type { DemandMoments, DemandView, MarketNode, NodeLoad, RunningInstance } from './types.js';
import { addDemand, emptyLoad } from './moments.js';
import { MarketInputError } from './errors.js';

export interface Resident {
  id: string;
  /** The running instance, or null for an instance placed earlier in this round. */
  instance: RunningInstance | null;
  view: DemandView;
  moments: DemandMoments;
}

export class Cluster {
  readonly byId = new Map<string, number>();
  readonly loads: NodeLoad[];
  readonly residents: Resident[][];
  /**
   * Per node, the highest slowdown its residents report (reported.ts), 1 when none reports. Set in the pre-score
   * pass and not lowered when a resident leaves during the round (a max cannot be decremented in O(1)): conservative.
   */
  readonly reportedSlowdown: Float64Array;

  constructor(readonly nodes: readonly MarketNode[]) {
    this.loads = nodes.map(() => emptyLoad());
    this.residents = nodes.map(() => []);
    this.reportedSlowdown = new Float64Array(nodes.length).fill(1);
    nodes.forEach((n, i) => {
      if (this.byId.has(n.id)) throw new MarketInputError(`duplicate node id ${n.id}`);
      this.byId.set(n.id, i);
    });
  }

  nodeIndex(id: string): number {
    const i = this.byId.get(id);
    if (i === undefined) throw new MarketInputError(`unknown node id ${id}`);
    return i;
  }

  add(nodeIdx: number, r: Resident): void {
    addDemand(this.loads[nodeIdx]!, r.moments, 1);
    this.residents[nodeIdx]!.push(r);
  }

  noteReportedSlowdown(nodeIdx: number, slowdown: number): void {
    if (slowdown > this.reportedSlowdown[nodeIdx]!) this.reportedSlowdown[nodeIdx] = slowdown;
  }

  remove(nodeIdx: number, r: Resident): void {
    const list = this.residents[nodeIdx]!;
    const at = list.lastIndexOf(r);
    if (at < 0) return;
    list.splice(at, 1);
    addDemand(this.loads[nodeIdx]!, r.moments, -1);
  }
}
