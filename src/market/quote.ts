/**
 * What-if: how would a bid fare if submitted now? Runs the same round on a copy of the snapshot with the bid added
 * (the engine is pure, so nothing is changed), then reads:
 *   admitProbability      1 when the round places the bid, or has notified the instances it displaces; 0 when it
 *                         is refused outright (under the reserve price, or larger than any node). Otherwise the bid
 *                         would wait, and its admission depends on when running instances really end: declared
 *                         runtimes are estimates, so each running instance's total runtime is drawn ADMIT_DRAWS
 *                         times from a log-normal around its declaration (median = declared, σ = RUNTIME_LOG_SIGMA),
 *                         conditioned on the time it has already run, and admitProbability is the share of draws in
 *                         which room frees up within the bid's maxWaitSeconds (config default otherwise). Other
 *                         pending bids that might take the room first are not modelled (an upper bound).
 *   expectedClearingPrice what it would pay per instance-hour under the configured rule (≤ its price)
 *   estimatedStartSeconds 0 when placed now; the preempted instances' notice when it displaces them; otherwise the
 *                         earliest time a node frees enough room as running instances reach their expected end
 *                         (startedAt + expectedRuntimeSeconds); −1 when no node would ever fit it
 *   preemptionProbability 1 − exp(−λ · runtime days), λ = interruptions in the last 24 h per instance among running
 *                         instances of no higher effective priority (+ this round's preemptions); 0 when its
 *                         contract allows no interruption
 */
import type {
  EngineDeps,
  Penalty,
  PendingBid,
  PredictorInput,
  PriorityClass,
  Quote,
  RandomSource,
  RunningInstance,
  Snapshot,
  WorkloadProfile,
} from './types.js';
import type { EngineConfig } from './config.js';
import { resolveEngineConfig } from './config.js';
import { clearRound } from './round.js';
import { roundPredictorInputs } from './predictorInputs.js';
import { effectivePriority, indexLedger } from './ledger.js';
import { billedUnits, paymentFor } from './payment.js';
import { interruptionsLastDay } from './contract.js';
import { expectedEnd, startModel, startModelInputs, type EndOf } from './startEstimate.js';
import { normalCdf, normalQuantile } from './normal.js';

/** Draws of the runtime scenario behind a waiting bid's admitProbability (resolution 1/64). */
const ADMIT_DRAWS = 64;
/**
 * Spread of real runtimes around declared ones, as the σ of ln(actual / declared). Declared runtimes are known to be
 * poor estimates (Tsafrir, Etsion, Feitelson, "Modeling user runtime estimates", JSSPP 2005); σ = 0.5 puts two thirds
 * of runtimes within a factor of 1.65 of the declaration.
 */
const RUNTIME_LOG_SIGMA = 0.5;

export interface QuoteBid {
  clientId: string;
  price: number;
  priority?: PriorityClass;
  count?: number;
  uninterruptible?: boolean;
  penalty?: Penalty;
  maxWaitSeconds?: number;
}

/** The snapshot a quote runs its round on: `snapshot` with the quoted bid added as a pending bid (last). */
export function withQuotedBid(snapshot: Snapshot, profile: WorkloadProfile, bid: QuoteBid): { snapshot: Snapshot; pending: PendingBid } {
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
  return { snapshot: { ...snapshot, bids: [...snapshot.bids, pending] }, pending };
}

/**
 * The inputs of a quote's `deps.predictor.predict` calls, in order: its round's (roundPredictorInputs), then, when
 * the round does not place the bid, the start estimate's (startModelInputs). A caller that predicts elsewhere
 * computes both and answers the calls in turn (roundJob.ts).
 */
export function quotePredictorInputs(snapshot: Snapshot, profile: WorkloadProfile, bid: QuoteBid, config?: Partial<EngineConfig>): PredictorInput[][] {
  const { snapshot: withBid, pending } = withQuotedBid(snapshot, profile, bid);
  return [roundPredictorInputs(withBid, config), startModelInputs(snapshot, pending)];
}

export function quote(
  snapshot: Snapshot,
  profile: WorkloadProfile,
  bid: QuoteBid,
  deps: EngineDeps,
  config?: Partial<EngineConfig>,
): Quote {
  const cfg = resolveEngineConfig(config);
  const { snapshot: withBid, pending } = withQuotedBid(snapshot, profile, bid);
  const id = pending.id;
  const plan = clearRound(withBid, deps, cfg);

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
    if (outcome?.reason !== 'reserve_price') {
      const model = startModel(snapshot, pending, deps, cfg);
      estimatedStart = model.earliest(expectedEnd);
      if (estimatedStart >= 0) {
        const maxWait = bid.maxWaitSeconds ?? cfg.defaultMaxWaitSeconds;
        let admitted = 0;
        for (let d = 0; d < ADMIT_DRAWS; d++) {
          const start = model.earliest(drawnEnd(snapshot.now, deps.random));
          if (start >= 0 && start <= maxWait) admitted++;
        }
        admitProbability = admitted / ADMIT_DRAWS;
      }
    }
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

/**
 * One scenario of when running instances end: a notified instance at its deadline; any other at a total runtime drawn
 * from LogNormal(ln declared, RUNTIME_LOG_SIGMA) conditioned on exceeding the time it has already run (inverse CDF on
 * the upper tail, so an instance past its declaration still ends after now).
 */
function drawnEnd(now: number, random: RandomSource): EndOf {
  const ends = new Map<string, number>();
  return (inst: RunningInstance) => {
    if (inst.notice !== null) return inst.notice.deadline;
    let end = ends.get(inst.id);
    if (end === undefined) {
      const declaredMs = Math.max(1, inst.profile.expectedRuntimeSeconds * 1000);
      const ageMs = Math.max(0, now - inst.startedAt);
      const floor = ageMs > 0 ? normalCdf(Math.log(ageMs / declaredMs) / RUNTIME_LOG_SIGMA) : 0;
      const u = floor + (1 - floor) * random.next();
      const z = normalQuantile(Math.min(u, 1 - 1e-12));
      end = inst.startedAt + Math.max(ageMs, declaredMs * Math.exp(RUNTIME_LOG_SIGMA * z));
      ends.set(inst.id, end);
    }
    return end;
  };
}
