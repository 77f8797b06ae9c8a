/**
 * What interrupting an instance costs, in currency units:
 *   value lost  = bidPrice · remaining hours            (stop only; a make-before-break move loses no value)
 *   work redone = bidPrice · workRedoneFraction · hours run so far  (stop only)
 *   penalty     = the negotiated fee, for an uninterruptible instance
 * remaining hours = max(0, expectedRuntimeSeconds − elapsed) / 3600.
 */
import type { EngineConfig } from './config.js';
import type { InterruptionKind } from './contract.js';
import type { RunningInstance } from './types.js';

export interface VictimCost {
  valueLost: number;
  workRedone: number;
  penalty: number;
  total: number;
}

export function remainingHours(inst: RunningInstance, now: number): number {
  return Math.max(0, inst.profile.expectedRuntimeSeconds - (now - inst.startedAt) / 1000) / 3600;
}

export function feeOf(inst: RunningInstance): number {
  return inst.uninterruptible && inst.penalty !== null ? Math.max(0, inst.penalty.fee) : 0;
}

export function victimCost(inst: RunningInstance, now: number, config: EngineConfig, kind: InterruptionKind): VictimCost {
  const penalty = feeOf(inst);
  if (kind === 'move') return { valueLost: 0, workRedone: 0, penalty, total: penalty };
  const ranHours = Math.min(Math.max(0, now - inst.startedAt) / 3.6e6, inst.profile.expectedRuntimeSeconds / 3600);
  const valueLost = inst.bidPrice * remainingHours(inst, now);
  const workRedone = inst.bidPrice * config.workRedoneFraction * ranHours;
  return { valueLost, workRedone, penalty, total: valueLost + workRedone + penalty };
}
