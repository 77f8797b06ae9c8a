/**
 * What-if: how would a bid fare if submitted now? Runs the same round on a copy of the snapshot with the bid added
 * (the engine is pure, so nothing is changed), then reads:
 *   admitProbability      1 when the round places the bid, or has notified the instances it displaces; else 0.
 *                         The engine is deterministic, so for a given snapshot admission is certain or not; the
 *                         uncertainty it does model is in the start time and in preemption.
 *   expectedClearingPrice what it would pay per instance-hour under the configured rule (≤ its price)
 *   estimatedStartSeconds 0 when placed now; the preempted instances' notice when it displaces them; otherwise the
 *                         earliest time a node frees enough room as running instances reach their expected end
 *                         (startedAt + expectedRuntimeSeconds); −1 when no node would ever fit it
 *   preemptionProbability 1 − exp(−λ · runtime days), λ = interruptions in the last 24 h per instance among running
 *                         instances of no higher effective priority (+ this round's preemptions); 0 when its
 *                         contract allows no interruption
 */
import type { EngineDeps, Penalty, PendingBid, PriorityClass, Quote, Snapshot, WorkloadProfile } from './types.js';
import type { EngineConfig } from './config.js';
import { resolveEngineConfig } from './config.js';
import { clearRound } from './round.js';
import { effectivePriority, indexLedger } from './ledger.js';
import { billedUnits, paymentFor } from './payment.js';
import { interruptionsLastDay } from './contract.js';
import { estimateStartSeconds } from './startEstimate.js';

export interface QuoteBid {
  clientId: string;
  price: number;
  priority?: PriorityClass;
  count?: number;
  uninterruptible?: boolean;
  penalty?: Penalty;
  maxWaitSeconds?: number;
}

export function quote(
  snapshot: Snapshot,
  profile: WorkloadProfile,
  bid: QuoteBid,
  deps: EngineDeps,
  config?: Partial<EngineConfig>,
): Quote {
  const cfg = resolveEngineConfig(config);
  let id = '__quote__';
  while (snapshot.bids.some((b) => b.id === id)) id += '_';
  const pending: PendingBid = {
    id,
    clientId: bid.clientId,
    profileId: id,
    profile,
    price: bid.price,
    count: bid.count ?? 1,
    uninterruptible: bid.uninterruptible ?? false,
    submittedAt: snapshot.now,
    ...(bid.priority !== undefined ? { priority: bid.priority } : {}),
    ...(bid.penalty !== undefined ? { penalty: bid.penalty } : {}),
    ...(bid.maxWaitSeconds !== undefined ? { maxWaitSeconds: bid.maxWaitSeconds } : {}),
  };
  const plan = clearRound({ ...snapshot, bids: [...snapshot.bids, pending] }, deps, cfg);

  const placed = plan.placements.find((p) => p.bidId === id);
  const displacing = plan.preemptions.filter((p) => p.preemptorId === id);
  let admitProbability = 0;
  let estimatedStart = -1;
  if (placed !== undefined) {
    admitProbability = 1;
    estimatedStart = 0;
  } else if (displacing.length > 0) {
    admitProbability = 1;
    estimatedStart = Math.max(...displacing.map((p) => p.noticeSeconds));
  } else {
    const outcome = plan.outcomes.find((o) => o.bidId === id);
    if (outcome?.reason !== 'reserve_price') estimatedStart = estimateStartSeconds(snapshot, pending, deps, cfg);
  }
  const expectedClearingPrice =
    placed?.price ?? paymentFor(cfg.paymentRule, bid.price, billedUnits(profile), plan.clearingPrices);

  const ledger = indexLedger(snapshot.ledger, snapshot.now, cfg.priorityReductionHalfLifeSeconds);
  const myPriority = effectivePriority(ledger, bid.clientId, bid.priority ?? profile.priority);
  let peers = 0;
  let interruptions = 0;
  const preemptedNow = new Set(plan.preemptions.map((p) => p.instanceId));
  for (const inst of snapshot.instances) {
    if (inst.effectivePriority > myPriority || inst.uninterruptible !== (bid.uninterruptible ?? false)) continue;
    peers++;
    interruptions += interruptionsLastDay(inst, snapshot.now) + (preemptedNow.has(inst.id) ? 1 : 0);
  }
  const ratePerDay = peers === 0 ? 0 : interruptions / peers;
  const days = profile.expectedRuntimeSeconds / 86400;
  const preemptionProbability = profile.interruptibility.maxInterruptionsPerDay <= 0 ? 0 : 1 - Math.exp(-ratePerDay * days);

  return { admitProbability, expectedClearingPrice, estimatedStartSeconds: estimatedStart, preemptionProbability };
}
