/**
 * Re-evaluation of running instances at the start of every round, before new bids are placed:
 *   - drain: every interruptible instance on a draining node is moved (or stopped when no node fits); uninterruptible
 *     instances stay until they finish, since draining gains nothing that could outweigh their fee
 *   - profile_violation: observed p95 above profileViolationRatio × declared peak on some resource (sustained over
 *     minFeedbackSamples samples): stopped, the client's priority reduced
 *   - interference: the slowdown an instance adds to its co-runners (model estimate against the rest of its node)
 *     above interferenceThreshold: moved to a node where it fits, else stopped; the client's priority reduced
 * Uninterruptible instances are interrupted for a violation only when the expected gain exceeds their fee: the
 * co-runners' value recovered, Σ addedSlowdown × mean co-runner bid price × remaining hours of the offender.
 * Every interruption passes the contract rules (contract.ts) and the per-round eviction cap.
 */
import type { NodeLoad, ReasonCode } from './types.js';
import { newLoadEstimate } from './loadEstimate.js';
import type { RoundContext } from './context.js';
import type { Resident } from './cluster.js';
import { RESOURCES } from './types.js';
import { addDemand, emptyLoad } from './moments.js';
import { interferenceOn } from './placement.js';
import { interrupt } from './interrupt.js';
import { explainTerm } from './notice.js';
import { emptyObservedUse, observedUse } from './observed.js';
import { feeOf, remainingHours } from './victimCost.js';
import { evictionBudgetLeft } from './context.js';

interface Offender {
  resident: Resident;
  nodeIdx: number;
  reason: ReasonCode;
  /** Severity, for ordering: the ratio over the threshold. */
  severity: number;
  gain: number;
  evidence: number;
}

export function reschedule(ctx: RoundContext): void {
  drain(ctx);
  const offenders = findOffenders(ctx);
  offenders.sort((a, b) => b.severity - a.severity || (a.resident.id < b.resident.id ? -1 : 1));
  for (const o of offenders) {
    if (evictionBudgetLeft(ctx) <= 0) return;
    const inst = o.resident.instance!;
    const fee = feeOf(inst);
    if (inst.uninterruptible && !(o.gain > fee)) continue;
    const terms = [explainTerm(o.reason, o.evidence, -1), explainTerm('gain', o.gain, 1), explainTerm('penalty', fee, -1)];
    interrupt(ctx, o.resident, o.nodeIdx, o.reason, null, terms, {
      allowMove: o.reason === 'interference',
      allowStop: true,
    });
  }
}

function drain(ctx: RoundContext): void {
  const { cluster } = ctx;
  for (let i = 0; i < cluster.nodes.length; i++) {
    if (!cluster.nodes[i]!.draining) continue;
    for (const r of [...cluster.residents[i]!]) {
      if (evictionBudgetLeft(ctx) <= 0) return;
      const inst = r.instance;
      if (inst === null || inst.uninterruptible || inst.nodeId !== cluster.nodes[i]!.id) continue;
      interrupt(ctx, r, i, 'drain', null, [explainTerm('drain', 1, -1)], { allowMove: true, allowStop: true });
    }
  }
}

function findOffenders(ctx: RoundContext): Offender[] {
  const { cluster, config, now } = ctx;
  const offenders: Offender[] = [];
  const rest: NodeLoad = emptyLoad();
  const observed = emptyObservedUse();
  const estimate = newLoadEstimate();
  for (let i = 0; i < cluster.nodes.length; i++) {
    const node = cluster.nodes[i]!;
    const residents = cluster.residents[i]!;
    let coRunnerPrice = 0;
    for (const r of residents) coRunnerPrice += r.instance?.bidPrice ?? 0;
    for (const r of residents) {
      const inst = r.instance;
      if (inst === null || inst.state !== 'running' || inst.nodeId !== node.id || ctx.noticed.has(inst.id)) continue;
      const seen = observedUse(inst.history, config.minFeedbackSamples, observed);
      if (seen !== null) {
        let worst = 0;
        for (const res of RESOURCES) {
          const peak = inst.profile[res].peak;
          if (peak > 0) worst = Math.max(worst, seen.p95[res] / peak);
        }
        if (worst > config.profileViolationRatio) {
          offenders.push({
            resident: r,
            nodeIdx: i,
            reason: 'profile_violation',
            severity: worst / config.profileViolationRatio,
            gain: (coRunnerPrice - inst.bidPrice) * remainingHours(inst, now),
            evidence: worst,
          });
          continue;
        }
      }
      if (residents.length < 2) continue;
      Object.assign(rest, cluster.loads[i]!);
      addDemand(rest, r.moments, -1);
      const est = interferenceOn(ctx.deps, r.view, r.moments, node, rest, residents, r, estimate);
      if (est.totalAddedSlowdown > config.interferenceThreshold) {
        const others = residents.length - 1;
        const meanPrice = others > 0 ? (coRunnerPrice - inst.bidPrice) / others : 0;
        offenders.push({
          resident: r,
          nodeIdx: i,
          reason: 'interference',
          severity: est.totalAddedSlowdown / Math.max(1e-9, config.interferenceThreshold),
          gain: est.totalAddedSlowdown * meanPrice * remainingHours(inst, now),
          evidence: est.totalAddedSlowdown,
        });
      }
    }
  }
  return offenders;
}
