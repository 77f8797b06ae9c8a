/**
 * Re-evaluation of running instances at the start of every round, before new bids are placed:
 *   - drain: the operator takes the node away, so every instance on it leaves: moved make-before-break where a
 *     feasible node exists (no interruption of the work: an uninterruptible instance owes no fee for it), otherwise
 *     stopped at its notice deadline, an uninterruptible one for its fee (credited in the ledger, reason `drain`).
 *     The contract rules still hold (min runtime, daily budget, downtime, cooldown, no stop without a fee): an
 *     instance they protect stays, and the node stays draining, until it can leave or finishes
 *   - profile_violation: use sustained above profileViolationRatio × declared peak (profileViolation.ts) that hurts
 *     its co-runners (they report a slowdown above qosSlowdownLimit, or the model says it adds more than
 *     interferenceThreshold to them): stopped, the client's priority reduced. A violator that hurts nobody here is
 *     only stopped under scarcity, for bids that clear the priority gap (lowUtilization.ts): stopping it otherwise
 *     gains nothing and costs the client its work.
 *   - interference: the slowdown an instance adds to its co-runners (model estimate against the rest of its node)
 *     above interferenceThreshold: moved to a node where it fits, else stopped when some co-runner is at least
 *     priorityGap above it (no stop of important work for less important neighbours); the client's priority reduced
 *   - interference seen in feedback: on a node whose residents report a slowdown above qosSlowdownLimit, the resident
 *     the model blames most (largest slowdown added to the rest) is moved; it is stopped only when some resident
 *     reporting the slowdown has an effective priority at least priorityGap above it (no cascade against the gap)
 * A resident whose contract allows no interruption for the rest of the day (its daily budget used, or
 * uninterruptible without a price: `pinnedForToday`) is no candidate for any of these: the next-most-blamed resident
 * that can be moved or stopped relieves its node instead (before, the engine kept choosing the pinned one and did
 * nothing, and in the simulator a node stayed overloaded for hours).
 * Uninterruptible instances are interrupted for a violation only when the expected gain exceeds their fee: the
 * co-runners' value recovered, Σ addedSlowdown × mean co-runner bid price × remaining hours of the offender.
 * Every interruption passes the contract rules (contract.ts) and the per-round eviction cap.
 */
import type { LoadInterferenceEstimate, NodeLoad, ReasonCode } from './types.js';
import { newLoadEstimate } from './loadEstimate.js';
import type { RoundContext } from './context.js';
import type { Resident } from './cluster.js';
import { RESOURCES } from './types.js';
import { addDemand, copyLoad, emptyLoad } from './moments.js';
import { interferenceOn } from './placement.js';
import { interrupt } from './interrupt.js';
import { explainTerm } from './notice.js';
import { emptyObservedUse, observedUse } from './observed.js';
import { feeOf, remainingHours } from './victimCost.js';
import { violationLevel } from './profileViolation.js';
import { reportedSlowdown } from './reported.js';
import { evictionBudgetLeft } from './context.js';
import { pinnedForToday } from './contract.js';

interface Offender {
  resident: Resident;
  nodeIdx: number;
  reason: ReasonCode;
  /** Severity, for ordering: the ratio over the threshold. */
  severity: number;
  gain: number;
  evidence: number;
  allowStop: boolean;
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
      allowMove: o.reason === 'interference' || o.reason === 'profile_violation',
      allowStop: o.allowStop,
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
      if (inst === null || inst.nodeId !== cluster.nodes[i]!.id) continue;
      interrupt(ctx, r, i, 'drain', null, [explainTerm('drain', 1, -1)], { allowMove: true, allowStop: true, freeMove: true });
    }
  }
}

/**
 * The highest upper-quantile slowdown the interference model predicts for anyone on node `i` as it is now (0 when the
 * model gives no upper quantile, or the node has fewer than two residents). Uses `rest` and `estimate` as scratch.
 */
function predictedTail(ctx: RoundContext, i: number, rest: NodeLoad, estimate: LoadInterferenceEstimate): number {
  const { cluster } = ctx;
  const residents = cluster.residents[i]!;
  if (residents.length < 2 || ctx.deps.interference.upperQuantile === undefined) return 0;
  const first = residents[0]!;
  copyLoad(rest, cluster.loads[i]!);
  addDemand(rest, first.moments, -1);
  return interferenceOn(ctx.deps, first.view, first.moments, cluster.nodes[i]!, rest, residents, first, estimate).tailSlowdown;
}

/** Most residents re-scheduling moves off one node in one round to bring its predicted tail under the QoS limit. */
const MAX_RELIEF = 3;

/**
 * The most-blamed suspects (largest slowdown added to the rest first) whose departure brings the node's predicted
 * tail slowdown under the QoS limit, greedily, at most MAX_RELIEF (at least the worst one).
 */
function reliefSet(ctx: RoundContext, i: number, suspects: Offender[]): Offender[] {
  const { cluster, config, deps } = ctx;
  const node = cluster.nodes[i]!;
  const sorted = [...suspects].sort((a, b) => b.evidence - a.evidence || (a.resident.id < b.resident.id ? -1 : 1));
  const leaving = new Set<Resident>();
  const out: Offender[] = [];
  for (const o of sorted) {
    if (out.length >= MAX_RELIEF) break;
    out.push(o);
    leaving.add(o.resident);
    const staying = cluster.residents[i]!.filter((r) => !leaving.has(r));
    if (staying.length < 2) break;
    const tail = deps.interference.estimate(staying[0]!.view, node, staying.slice(1).map((r) => r.view)).tailSlowdown ?? 0;
    if (tail <= config.qosSlowdownLimit) break;
  }
  return out;
}

/** Scratch for `residentBounds` (rounds are synchronous, so one array serves every node). */
let boundScratch = new Float64Array(0);
/** Margin on a model's node-wide bounds: they sum in another order than `estimate` does (float rounding only). */
const BOUND_SLACK = 1e-6;

function findOffenders(ctx: RoundContext): Offender[] {
  const { cluster, config, now } = ctx;
  const offenders: Offender[] = [];
  const rest: NodeLoad = emptyLoad();
  const observed = emptyObservedUse();
  const estimate = newLoadEstimate();
  const model = ctx.deps.interference;
  const upperBound = model.addedSlowdownUpperBound;
  for (let i = 0; i < cluster.nodes.length; i++) {
    const node = cluster.nodes[i]!;
    const residents = cluster.residents[i]!;
    let coRunnerPrice = 0;
    for (const r of residents) coRunnerPrice += r.instance?.bidPrice ?? 0;
    // Feedback: does anyone here report a slowdown above the QoS limit, and how important is the most important?
    const reportedHurt = cluster.reportedSlowdown[i]! > config.qosSlowdownLimit;
    // The model: will someone here likely exceed it (a model with an upper quantile says so through tailSlowdown)?
    // A model with a node-wide pass gives the tail and a bound on what each resident adds in one go.
    let bounds: Float64Array | null = null;
    let tail: number;
    if (model.residentBounds !== undefined && residents.length >= 2) {
      if (boundScratch.length < residents.length) boundScratch = new Float64Array(2 * residents.length);
      bounds = boundScratch;
      const nodeTail = model.residentBounds(residents.map((r) => r.view), node, bounds);
      tail = model.upperQuantile === undefined ? 0 : nodeTail;
    } else tail = predictedTail(ctx, i, rest, estimate);
    const hurt = reportedHurt || tail > config.qosSlowdownLimit;
    let hurtPriority = -Infinity;
    if (reportedHurt) {
      for (const r of residents) {
        const inst = r.instance;
        if (inst === null || inst.nodeId !== node.id) continue;
        const rep = reportedSlowdown(inst.history, config.minFeedbackSamples);
        if (rep !== null && rep > config.qosSlowdownLimit) hurtPriority = Math.max(hurtPriority, inst.effectivePriority);
      }
    }
    let topPriority = -Infinity;
    for (const r of residents) if (r.instance !== null) topPriority = Math.max(topPriority, r.instance.effectivePriority);
    let worstOffender: Offender | null = null;
    const suspects: Offender[] = [];
    let blamed = false;
    for (let ri = 0; ri < residents.length; ri++) {
      const r = residents[ri]!;
      const inst = r.instance;
      if (inst === null || inst.state !== 'running' || inst.nodeId !== node.id || ctx.noticed.has(inst.id)) continue;
      if (pinnedForToday(inst, now, config)) continue;
      let added: number | null = null;
      if (residents.length >= 2) {
        // Where nobody reports a slowdown, only `added > interferenceThreshold` matters below (for a violator too):
        // when the model's upper bound rules that out, this instance is no offender and needs no estimate.
        // (BOUND_SLACK covers the rounding of sums taken in another order than the estimate's.)
        if (!hurt && bounds !== null && bounds[ri]! + BOUND_SLACK <= config.interferenceThreshold) continue;
        copyLoad(rest, cluster.loads[i]!);
        addDemand(rest, r.moments, -1);
        if (!hurt && upperBound !== undefined && upperBound.call(model, r.moments, node, rest) <= config.interferenceThreshold) continue;
        added = interferenceOn(ctx.deps, r.view, r.moments, node, rest, residents, r, estimate).totalAddedSlowdown;
      }
      const seen = observedUse(inst.history, config.minFeedbackSamples, observed);
      const level = seen === null ? null : violationLevel(inst, seen, config);
      // Only when it hurts someone here; otherwise the scarcity stage may stop it for a bid that needs the room.
      if (level !== null && added !== null && (hurt || added > config.interferenceThreshold)) {
        offenders.push({
          resident: r,
          nodeIdx: i,
          reason: 'profile_violation',
          severity: level / config.profileViolationRatio,
          gain: (coRunnerPrice - inst.bidPrice) * remainingHours(inst, now),
          evidence: level,
          allowStop: true,
        });
        continue;
      }
      if (added === null) continue;
      const others = residents.length - 1;
      const meanPrice = others > 0 ? (coRunnerPrice - inst.bidPrice) / others : 0;
      const offender: Offender = {
        resident: r,
        nodeIdx: i,
        reason: 'interference',
        severity: added / Math.max(1e-9, config.interferenceThreshold),
        gain: added * meanPrice * remainingHours(inst, now),
        evidence: added,
        // A stop (not a move) needs a co-runner it slows that clears the priority gap above it, as displacement does.
        allowStop: inst.effectivePriority + config.priorityGap <= topPriority,
      };
      if (added > config.interferenceThreshold) {
        offenders.push(offender);
        blamed = true;
      }
      else if (hurt) {
        suspects.push(offender);
        if (worstOffender === null || added > worstOffender.evidence) worstOffender = offender;
      }
    }
    if (worstOffender !== null && !blamed) {
      // Blamed on reported or predicted slowdown rather than a predicted one above the threshold: moved, stopped only
      // for a hurt resident sufficiently above it. With a model that predicts tails, as many of the most-blamed as it
      // takes for the model to see the node under the QoS limit again (at most MAX_RELIEF); otherwise the worst one.
      const relief = ctx.deps.interference.upperQuantile === undefined ? [worstOffender] : reliefSet(ctx, i, suspects);
      for (const o of relief) {
        o.allowStop = o.resident.instance!.effectivePriority + config.priorityGap <= hurtPriority;
        offenders.push(o);
      }
    }
  }
  return offenders;
}

