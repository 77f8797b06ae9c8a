/**
 * Interrupting one running instance: move it make-before-break when the contract allows a move and a feasible node
 * exists (not its own node, not a node it left within the cooldown, not draining); otherwise stop it at the deadline
 * when the contract allows a stop. Never both, never neither-and-pretend: returns null when the rules forbid it.
 *
 * `freeMove` (drain): the move is no interruption of the work, so it owes an uninterruptible instance no fee and
 * needs none to be possible; a stop still owes the fee. Every other rule of contract.ts applies to both.
 */
import type { Preemption, ReasonCode, ScoreTerm } from './types.js';
import type { RoundContext } from './context.js';
import type { Resident } from './cluster.js';
import type { ScoredDemand } from './scorers/index.js';
import { bestNode } from './placement.js';
import { contractBlock, inCooldown } from './contract.js';
import { issueNotice } from './notice.js';
import { protectedFromStop } from './protection.js';

export function moveTarget(
  ctx: RoundContext,
  resident: Resident,
  sourceIdx: number,
  owesFee = true,
): { nodeIdx: number; resident: Resident } | null {
  const inst = resident.instance;
  if (inst === null || contractBlock(inst, ctx.now, ctx.config, 'move', owesFee) !== null) return null;
  const demand: ScoredDemand = {
    id: inst.id,
    moments: resident.moments,
    prediction: resident.view.prediction,
    effectivePriority: inst.effectivePriority,
    unitPrice: 0,
    violations: 0,
  };
  const nodes = ctx.cluster.nodes;
  const choice = bestNode(ctx.env, demand, resident.view, (i) => i === sourceIdx || inCooldown(inst, nodes[i]!.id, ctx.now, ctx.config));
  if (choice === null) return null;
  const dest = nodes[choice.nodeIdx]!.id;
  return { nodeIdx: choice.nodeIdx, resident: { id: `${inst.id}@${dest}`, instance: inst, view: resident.view, moments: resident.moments } };
}

export function interrupt(
  ctx: RoundContext,
  resident: Resident,
  sourceIdx: number,
  reason: ReasonCode,
  preemptorId: string | null,
  terms: ScoreTerm[],
  options: { allowMove: boolean; allowStop: boolean; freeMove?: boolean },
): Preemption | null {
  const inst = resident.instance;
  if (inst === null || ctx.noticed.has(inst.id) || ctx.preemptions.length >= ctx.config.maxEvictionsPerRound) return null;
  if (options.allowMove) {
    const owesFee = options.freeMove !== true;
    const target = moveTarget(ctx, resident, sourceIdx, owesFee);
    if (target !== null) return issueNotice(ctx, inst, reason, preemptorId, target.resident, target.nodeIdx, terms, owesFee);
  }
  if (options.allowStop && !protectedFromStop(inst, reason, ctx.config) && contractBlock(inst, ctx.now, ctx.config, 'stop') === null) {
    return issueNotice(ctx, inst, reason, preemptorId, null, null, terms);
  }
  return null;
}
