/**
 * Protected priority: an interruptible instance whose effective priority is at or above `protectedPriority` is
 * never stopped for someone else's sake (a better bid, scarcity, interference it causes): it can only be moved,
 * make-before-break. It can still be stopped for its own fault (`profile_violation`) or because the operator takes
 * its node away (`drain`). Uninterruptible instances keep their own rule: stopped only when the gain exceeds the fee
 * their client negotiated. This is how "important work is rarely interrupted" (issue 5: critical and high work
 * under 5% interruptions per instance-month) is a property of the engine rather than of the workload: a client whose
 * instance broke its profile loses priority points in the ledger, and with them the protection.
 */
import type { EngineConfig } from './config.js';
import type { ReasonCode, RunningInstance } from './types.js';

const OWN_FAULT_OR_OPERATOR: ReadonlySet<ReasonCode> = new Set<ReasonCode>(['profile_violation', 'drain']);

export function protectedFromStop(inst: RunningInstance, reason: ReasonCode, config: EngineConfig): boolean {
  return !inst.uninterruptible && inst.effectivePriority >= config.protectedPriority && !OWN_FAULT_OR_OPERATOR.has(reason);
}
