/**
 * Clearing: score every live bid on its bid-level terms, take them in score order, place each on its best feasible
 * node (all-or-nothing), then price the winners under the configured payment rule.
 */
import type { BidOutcome, DemandView, NodeLoad, PendingBid, Placement, Prediction, ReasonCode, ScoreTerm } from './types.js';
import type { RoundContext } from './context.js';
import type { RoundStats, ScoredDemand } from './scorers/index.js';
import { bidTerms, breakdown, meanTerms, sumTerms } from './breakdown.js';
import { addDemand, demandMoments } from './moments.js';
import { effectivePriority, standingOf } from './ledger.js';
import { billedUnits, clearingPrices, dot, normalizedUnits, paymentFor, type ResourceVector } from './payment.js';
import { placeAll, type PlacedInstance } from './placement.js';
import { chanceFit } from './chance.js';
import { displace } from './displacement.js';
import { InfeasibleDemands } from './infeasible.js';

export interface ScoredBid {
  bid: PendingBid;
  demand: ScoredDemand;
  view: DemandView;
  units: ResourceVector;
  terms: ScoreTerm[];
  total: number;
}

export interface ClearingResult {
  placements: Placement[];
  outcomes: BidOutcome[];
  clearingPrices: ResourceVector;
  /** Bids that lost for scarcity, best first (low-utilization eviction frees room for them). */
  scarce: ScoredBid[];
}

export function scoreBids(ctx: RoundContext, bids: readonly PendingBid[], predictions: readonly Prediction[]): ScoredBid[] {
  const scored: ScoredBid[] = bids.map((bid, i) => {
    const prediction = predictions[i]!;
    const units = billedUnits(bid.profile);
    const standing = standingOf(ctx.ledger, bid.clientId);
    const demand: ScoredDemand = {
      id: bid.id,
      moments: demandMoments(prediction, bid.profile),
      prediction,
      effectivePriority: effectivePriority(ctx.ledger, bid.clientId, bid.priority ?? bid.profile.priority),
      unitPrice: bid.price / normalizedUnits(units, ctx.meanCapacity),
      violations: standing.violations,
    };
    return { bid, demand, view: { id: bid.id, profile: bid.profile, prediction }, units, terms: [], total: 0 };
  });
  let maxUnitPrice = 0;
  for (const s of scored) if (s.demand.unitPrice > maxUnitPrice) maxUnitPrice = s.demand.unitPrice;
  const round: RoundStats = { maxUnitPrice };
  for (const s of scored) {
    s.terms = bidTerms(ctx.env.scorers, s.demand, round);
    s.total = sumTerms(s.terms);
  }
  // Best score first; ties go to the earlier bid, then the smaller id, so the order is total and deterministic.
  scored.sort(
    (a, b) => b.total - a.total || a.bid.submittedAt - b.bid.submittedAt || (a.bid.id < b.bid.id ? -1 : a.bid.id > b.bid.id ? 1 : 0),
  );
  return scored;
}

export function clearBids(ctx: RoundContext, bids: readonly PendingBid[], predictions: readonly Prediction[]): ClearingResult {
  const { cluster, config } = ctx;
  const scored = scoreBids(ctx, bids, predictions);
  const startLoads = cluster.loads.map((l) => ({ ...l }));
  const outcomes: BidOutcome[] = [];
  const scarce: ScoredBid[] = [];
  const won: { s: ScoredBid; placed: PlacedInstance[] }[] = [];
  const infeasible = new InfeasibleDemands();

  for (const s of scored) {
    const { bid } = s;
    const reserve = dot(config.reservePrice, s.units);
    if (bid.price < reserve) {
      outcomes.push(outcome(s, 'rejected', 'reserve_price', `price ${bid.price} below the reserve ${reserve.toFixed(6)}`));
      continue;
    }
    const placed = infeasible.covers(s.demand.moments) ? null : placeAll(ctx.env, s.demand, s.view, bid.count);
    if (placed !== null) {
      won.push({ s, placed });
      continue;
    }
    // Only a single instance's failure says "no node fits this demand"; count > 1 can fail on all-or-nothing.
    if (bid.count === 1) infeasible.record(s.demand.moments);
    const displaced = displace(ctx, s);
    if (displaced.kind === 'notified') {
      outcomes.push(outcome(s, 'deferred', 'capacity', displaced.detail));
      continue;
    }
    const fitAtStart = fitsAt(ctx, startLoads, s);
    const reason: ReasonCode = displaced.kind === 'blocked' ? displaced.reason : fitAtStart ? 'outbid' : 'capacity';
    const detail =
      displaced.kind === 'blocked'
        ? displaced.detail
        : fitAtStart
          ? 'capacity taken this round by higher-scored bids'
          : `no node fits ${bid.count} instance(s) under the chance constraint (ε = ${config.epsilon}) and memory peaks`;
    outcomes.push(outcome(s, 'deferred', reason, detail));
    scarce.push(s);
  }

  // Uniform rule: p* is the highest unit price among bids that lost for scarcity (the first rejected "unit").
  let pStar = 0;
  for (const s of scarce) if (s.demand.unitPrice > pStar) pStar = s.demand.unitPrice;
  const prices = clearingPrices(pStar, ctx.meanCapacity, config.reservePrice);
  const placements: Placement[] = won.map(({ s, placed }) => ({
    bidId: s.bid.id,
    nodeIds: placed.map((p) => cluster.nodes[p.nodeIdx]!.id),
    price: paymentFor(config.paymentRule, s.bid.price, s.units, prices),
    effectivePriority: s.demand.effectivePriority,
    score: breakdown([...s.terms, ...meanTerms(placed.map((p) => p.terms))]),
    predictions: placed.map(() => s.demand.prediction),
    interferenceScores: placed.map(
      (p) => Math.max(0, p.interference.candidateSlowdown - 1) + Math.max(0, p.interference.totalAddedSlowdown),
    ),
  }));
  return { placements, outcomes, clearingPrices: prices, scarce };
}

function outcome(s: ScoredBid, kind: BidOutcome['outcome'], reason: ReasonCode, detail: string): BidOutcome {
  return { bidId: s.bid.id, outcome: kind, reason, detail, score: breakdown(s.terms) };
}

/** Would all `count` instances have fit on the loads at the start of clearing (first fit)? Decides outbid vs capacity. */
function fitsAt(ctx: RoundContext, loads: readonly NodeLoad[], s: ScoredBid): boolean {
  let left = s.bid.count;
  const { nodes } = ctx.cluster;
  for (let i = 0; i < nodes.length && left > 0; i++) {
    const node = nodes[i]!;
    if (node.draining) continue;
    // Copy the load only where a first instance fits (in a congested round, few nodes): the same answer.
    if (chanceFit(loads[i]!, s.demand.moments, node, ctx.env.z) !== null) continue;
    const load = { ...loads[i]! };
    while (left > 0 && chanceFit(load, s.demand.moments, node, ctx.env.z) === null) {
      addDemand(load, s.demand.moments, 1);
      left--;
    }
  }
  return left === 0;
}
