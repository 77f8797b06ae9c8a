/**
 * Issuing a preemption: a notice with a deadline of at least the contract's minNoticeSeconds, the penalties owed
 * written to the ledger, and for a move the destination's capacity reserved at once (make-before-break).
 */
import type { Penalty, Preemption, PreemptionNotice, ReasonCode, RunningInstance, ScoreTerm } from './types.js';
import type { RoundContext } from './context.js';
import type { Resident } from './cluster.js';
import { breakdown } from './breakdown.js';
import { noticeSecondsFor } from './contract.js';
import { penaltyEntries } from './ledger.js';

/** A money or ratio value as an explanatory term: normalized by x / (1 + x), weight 1, signed. */
export function explainTerm(name: string, raw: number, sign: 1 | -1): ScoreTerm {
  const normalized = raw > 0 ? raw / (1 + raw) : 0;
  return { name, raw, normalized, weight: 1, contribution: sign * normalized };
}

export function issueNotice(
  ctx: RoundContext,
  inst: RunningInstance,
  reason: ReasonCode,
  preemptorId: string | null,
  moveTo: Resident | null,
  moveToNodeIdx: number | null,
  terms: ScoreTerm[],
  owesFee = true,
): Preemption {
  const noticeSeconds = noticeSecondsFor(inst, ctx.config);
  const entries = penaltyEntries(inst, reason, ctx.now, owesFee);
  ctx.ledgerEntries.push(...entries);
  let penalty: Penalty | null = null;
  if (entries.length > 0) {
    penalty = { fee: 0, priorityReduction: 0 };
    for (const e of entries) {
      if (e.kind === 'fee') penalty.fee += e.amount;
      else penalty.priorityReduction += e.amount;
    }
  }
  if (moveTo !== null && moveToNodeIdx !== null) {
    ctx.cluster.add(moveToNodeIdx, moveTo);
  }
  ctx.noticed.add(inst.id);
  const preemption: Preemption = {
    instanceId: inst.id,
    reason,
    preemptorId,
    noticeSeconds,
    deadline: ctx.now + noticeSeconds * 1000,
    penalty,
    moveToNodeId: moveToNodeIdx === null ? null : ctx.cluster.nodes[moveToNodeIdx]!.id,
    score: breakdown(terms),
  };
  ctx.preemptions.push(preemption);
  return preemption;
}

/** The notice an instance carries once a plan's preemption is applied at `now` (what the next snapshot reads back). */
export function noticeFor(preemption: Preemption, now: number): PreemptionNotice {
  return {
    reason: preemption.reason,
    noticeGivenSeconds: preemption.noticeSeconds,
    deadline: preemption.deadline,
    noticedAt: now,
    preemptorId: preemption.preemptorId,
    penalty: preemption.penalty,
    moveToNodeId: preemption.moveToNodeId,
  };
}
