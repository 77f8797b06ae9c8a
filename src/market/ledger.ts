/**
 * The penalty ledger as the engine reads it: decayed priority reductions and profile-violation counts per client,
 * and the effective priority of a bid.
 *
 *   outstanding reduction(client) = Σ amountᵢ · 0.5^((now − atᵢ) / halfLife)  over `priority_reduction` entries
 *   standing(client)              = Σ 0.5^((now − atᵢ) / halfLife)            (decayed count of violations)
 *   effective priority            = max(0, PRIORITY_POINTS[class] − outstanding reduction)
 */
import { PRIORITY_POINTS } from './types.js';
import type { LedgerEntry, Penalty, PriorityClass, ReasonCode } from './types.js';

export interface ClientStanding {
  reduction: number;
  violations: number;
}

export type LedgerIndex = ReadonlyMap<string, ClientStanding>;

const CLEAN: ClientStanding = { reduction: 0, violations: 0 };

export function indexLedger(ledger: readonly LedgerEntry[], now: number, halfLifeSeconds: number): LedgerIndex {
  const index = new Map<string, ClientStanding>();
  const halfLifeMs = halfLifeSeconds * 1000;
  for (const e of ledger) {
    if (e.kind !== 'priority_reduction') continue;
    const decay = Math.pow(0.5, Math.max(0, now - e.at) / halfLifeMs);
    const s = index.get(e.clientId) ?? { reduction: 0, violations: 0 };
    s.reduction += e.amount * decay;
    s.violations += decay;
    index.set(e.clientId, s);
  }
  return index;
}

export function standingOf(index: LedgerIndex, clientId: string): ClientStanding {
  return index.get(clientId) ?? CLEAN;
}

export function effectivePriority(index: LedgerIndex, clientId: string, priority: PriorityClass): number {
  return Math.max(0, PRIORITY_POINTS[priority] - standingOf(index, clientId).reduction);
}

/** Reasons that mean the instance broke its declared profile, so its client's priority drops. */
export const PROFILE_REASONS: ReadonlySet<ReasonCode> = new Set<ReasonCode>(['low_utilization', 'interference', 'profile_violation']);

/**
 * Ledger entries owed when an instance is preempted: the fee if uninterruptible (unless the interruption owes none: a
 * drain's make-before-break move), the reduction if it broke its profile.
 */
export function penaltyEntries(
  instance: { id: string; clientId: string; uninterruptible: boolean; penalty: Penalty | null },
  reason: ReasonCode,
  now: number,
  owesFee = true,
): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  const p = instance.penalty;
  if (owesFee && instance.uninterruptible && p !== null && p.fee > 0) {
    entries.push({ clientId: instance.clientId, kind: 'fee', amount: p.fee, at: now, instanceId: instance.id, reason });
  }
  if (PROFILE_REASONS.has(reason) && p !== null && p.priorityReduction > 0) {
    entries.push({
      clientId: instance.clientId,
      kind: 'priority_reduction',
      amount: p.priorityReduction,
      at: now,
      instanceId: instance.id,
      reason,
    });
  }
  return entries;
}
