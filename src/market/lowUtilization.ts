/**
 * Low-utilization preemption, only under scarcity (some bid went unplaced for capacity this round): an instance whose
 * observed mean over the last minFeedbackSamples samples is below lowUtilizationRatio × its declared avg on every
 * resource it declared holds capacity it does not use, so it is stopped with notice and its client's priority
 * reduced. At most as many as the unplaced bids' instances, within the eviction cap. Like displacement it respects
 * the priority gap: only instances at least priorityGap below the highest-priority unplaced bid are evicted (waste
 * alone does not let a low bid stop high-priority work). An uninterruptible one only when the best unplaced bid's
 * expected gain (price · expected runtime hours) exceeds its fee.
 */
import type { RoundContext } from './context.js';
import type { ClearingResult } from './clearing.js';
import type { Resident } from './cluster.js';
import { RESOURCES } from './types.js';
import { emptyObservedUse, observedUse } from './observed.js';
import { interrupt } from './interrupt.js';
import { explainTerm } from './notice.js';
import { feeOf } from './victimCost.js';
import { evictionBudgetLeft } from './context.js';

export function evictLowUtilization(ctx: RoundContext, cleared: ClearingResult): void {
  const { cluster, config } = ctx;
  const best = cleared.scarce[0];
  if (best === undefined) return;
  const gain = best.bid.price * (best.bid.profile.expectedRuntimeSeconds / 3600);
  let wanted = 0;
  let topPriority = 0;
  for (const s of cleared.scarce) {
    wanted += s.bid.count;
    topPriority = Math.max(topPriority, s.demand.effectivePriority);
  }
  const maxVictimPriority = topPriority - config.priorityGap;

  const idle: { r: Resident; nodeIdx: number; ratio: number }[] = [];
  const observed = emptyObservedUse();
  for (let i = 0; i < cluster.nodes.length; i++) {
    for (const r of cluster.residents[i]!) {
      const inst = r.instance;
      if (inst === null || inst.nodeId !== cluster.nodes[i]!.id || ctx.noticed.has(inst.id)) continue;
      if (inst.effectivePriority > maxVictimPriority) continue;
      const seen = observedUse(inst.history, config.minFeedbackSamples, observed);
      if (seen === null) continue;
      let ratio = 0;
      let declared = 0;
      for (const res of RESOURCES) {
        const avg = inst.profile[res].avg;
        if (avg <= 0) continue;
        declared++;
        ratio = Math.max(ratio, seen.mean[res] / avg);
      }
      if (declared > 0 && ratio < config.lowUtilizationRatio) idle.push({ r, nodeIdx: i, ratio });
    }
  }
  idle.sort((a, b) => a.ratio - b.ratio || (a.r.id < b.r.id ? -1 : 1));
  let evicted = 0;
  for (const { r, nodeIdx, ratio } of idle) {
    if (evicted >= wanted || evictionBudgetLeft(ctx) <= 0) return;
    const inst = r.instance!;
    const fee = feeOf(inst);
    if (inst.uninterruptible && !(gain > fee)) continue;
    const terms = [explainTerm('utilization', ratio, -1), explainTerm('gain', gain, 1), explainTerm('penalty', fee, -1)];
    if (interrupt(ctx, r, nodeIdx, 'low_utilization', null, terms, { allowMove: false, allowStop: true }) !== null) evicted++;
  }
}
