/**
 * Demands that found no node this round. During clearing the loads only grow (placements and move reservations add;
 * notices free nothing before their deadline), and the chance constraint is monotone in every mean, variance and
 * memory peak, so a demand at least as large on each of them as one that already failed fails too: the scan over
 * every node can be skipped. This matters in a congested round, where each unplaceable bid would otherwise scan the
 * whole cluster. Keeps the most recent `limit` failures so the check stays O(1) per bid.
 */
import type { DemandMoments } from './types.js';

export class InfeasibleDemands {
  private readonly failed: DemandMoments[] = [];

  constructor(private readonly limit = 32) {}

  record(d: DemandMoments): void {
    if (this.failed.length >= this.limit) this.failed.shift();
    this.failed.push(d);
  }

  /** True when `d` is at least as large as a recorded failure on every constrained quantity. */
  covers(d: DemandMoments): boolean {
    for (const f of this.failed) {
      if (
        d.cpuMean >= f.cpuMean &&
        d.cpuVar >= f.cpuVar &&
        d.memoryMean >= f.memoryMean &&
        d.memoryVar >= f.memoryVar &&
        d.networkMean >= f.networkMean &&
        d.networkVar >= f.networkVar &&
        d.memoryPeak >= f.memoryPeak
      ) {
        return true;
      }
    }
    return false;
  }
}
