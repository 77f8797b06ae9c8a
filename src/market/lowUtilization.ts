/**
 * Preemption for scarcity, after clearing. Besides low utilization (below), a sustained profile violator
 * (profileViolation.ts) that hurt none of its co-runners (reschedule.ts stops the others) is stopped here, under the
 * same priority gap: its overuse is only a problem when a bid needs the room.
 *
 * Low-utilization preemption, only under scarcity (some bid went unplaced for capacity this round): an instance whose
 * observed mean over the last minFeedbackSamples samples is below lowUtilizationRatio × its declared avg on every
 * resource it declared holds capacity it does not use, so it is stopped with notice and its client's priority
 * reduced. Like displacement by a better bid (displacement.ts), it respects the priority gap against cascades: an
 * instance is stopped only for unplaced bids whose effective priority is at least its own + priorityGap, and at most
 * as many as those bids' instances, within the eviction cap. An uninterruptible one only when the best such bid's
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
import { violationLevel } from './profileViolation.js';
import { protectedFromStop } from './protection.js';

export function evictLowUtilization(ctx: RoundContext, cleared: ClearingResult): void {
  const { cluster, config } = ctx;
  if (cleared.scarce.length === 0) return;
  // Cheap prefilter before reading any feedback: nobody above the best unplaced bid's priority − gap can be a victim.
  let topPriority = -Infinity;
  for (const s of cleared.scarce) topPriority = Math.max(topPriority, s.demand.effectivePriority);
  const maxVictimPriority = topPriority - config.priorityGap;

  const idle: { r: Resident; nodeIdx: number; ratio: number; reason: 'low_utilization' | 'profile_violation' }[] = [];
  const violators: typeof idle = [];
  const observed = emptyObservedUse();
  for (let i = 0; i < cluster.nodes.length; i++) {
    for (const r of cluster.residents[i]!) {
      const inst = r.instance;
      if (inst === null || inst.nodeId !== cluster.nodes[i]!.id || ctx.noticed.has(inst.id)) continue;
      if (inst.effectivePriority > maxVictimPriority) continue;
      const seen = observedUse(inst.history, config.minFeedbackSamples, observed);
      if (seen === null) continue;
      const level = violationLevel(inst, seen, config);
      if (level !== null) {
        violators.push({ r, nodeIdx: i, ratio: level, reason: 'profile_violation' });
        continue;
      }
      let ratio = 0;
      let declared = 0;
      for (const res of RESOURCES) {
        const avg = inst.profile[res].avg;
        if (avg <= 0) continue;
        declared++;
        ratio = Math.max(ratio, seen.mean[res] / avg);
      }
      if (protectedFromStop(inst, 'low_utilization', config)) continue;
      if (declared > 0 && ratio < config.lowUtilizationRatio) idle.push({ r, nodeIdx: i, ratio, reason: 'low_utilization' });
    }
  }
  // The idlest first, then the worst violators.
  idle.sort((a, b) => a.ratio - b.ratio || (a.r.id < b.r.id ? -1 : 1));
  violators.sort((a, b) => b.ratio - a.ratio || (a.r.id < b.r.id ? -1 : 1));
  idle.push(...violators);
  // Evictions so far that served a bid of at least the given priority: a victim may only count against bids that
  // clear the gap above it, so the budget is per victim priority. Victims are few per round; O(scarce) each is fine.
  const evictedPriorities: number[] = [];
  for (const { r, nodeIdx, ratio, reason } of idle) {
    if (evictionBudgetLeft(ctx) <= 0) return;
    const inst = r.instance!;
    const minBidPriority = inst.effectivePriority + config.priorityGap;
    let wanted = 0;
    let gain = 0;
    for (const s of cleared.scarce) {
      if (s.demand.effectivePriority < minBidPriority) continue;
      wanted += s.bid.count;
      gain = Math.max(gain, s.bid.price * (s.bid.profile.expectedRuntimeSeconds / 3600));
    }
    let served = 0;
    for (const p of evictedPriorities) if (p >= inst.effectivePriority) served++;
    if (served >= wanted) continue;
    const fee = feeOf(inst);
    if (inst.uninterruptible && !(gain > fee)) continue;
    const terms = [explainTerm(reason === 'low_utilization' ? 'utilization' : reason, ratio, -1), explainTerm('gain', gain, 1), explainTerm('penalty', fee, -1)];
    if (interrupt(ctx, r, nodeIdx, reason, null, terms, { allowMove: false, allowStop: true }) !== null) {
      evictedPriorities.push(inst.effectivePriority);
    }
  }
}
