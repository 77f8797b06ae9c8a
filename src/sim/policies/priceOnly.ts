/**
 * The price-only spot auction, as EC2 ran it around 2010: instances have a fixed size (their declared peak), the
 * highest bids win, everyone admitted in a round pays one uniform price (the highest losing bid, or the reserve
 * price, never more than their own bid), and a running instance is terminated without notice when a higher bid
 * needs its room. It knows nothing of priority classes, contracts, usage or interference.
 */
import type { BidOutcome, PendingBid, Placement, Plan, Preemption, RunningInstance, Snapshot, Termination } from '../../market/types.js';
import {
  declaredPeakPrediction,
  firstFit,
  fits,
  freeRoom,
  instancesByNode,
  release,
  unplacedOutcome,
  type Room,
} from './peakPacking.js';
import type { Policy } from './policy.js';
import { postedPrice, type UnitPrices } from './postedPrice.js';

const NO_SCORE = { total: 0, terms: [] };

interface Eviction {
  nodeId: string;
  victims: RunningInstance[];
  lostValue: number;
}

/** The node where evicting the cheapest lower-priced instances makes room for `bid` at the least evicted value. */
function cheapestEviction(
  bid: PendingBid,
  room: Map<string, Room>,
  byNode: Map<string, RunningInstance[]>,
  evicted: Set<string>,
): Eviction | null {
  let best: Eviction | null = null;
  for (const [nodeId, instances] of byNode) {
    const r = { ...room.get(nodeId)! };
    const victims: RunningInstance[] = [];
    let lostValue = 0;
    const candidates = instances
      .filter((i) => i.state === 'running' && !evicted.has(i.id) && i.bidPrice < bid.price)
      .sort((a, b) => a.bidPrice - b.bidPrice || a.id.localeCompare(b.id));
    for (const victim of candidates) {
      if (fits(r, bid.profile)) break;
      victims.push(victim);
      lostValue += victim.bidPrice;
      r.cpu += victim.profile.cpu.peak;
      r.memory += victim.profile.memory.peak;
      r.network += victim.profile.network.peak;
    }
    if (fits(r, bid.profile) && victims.length > 0 && (best === null || lostValue < best.lostValue)) {
      best = { nodeId, victims, lostValue };
    }
  }
  return best;
}

export function priceOnlyPolicy(reserveUnitPrices: UnitPrices): Policy {
  return {
    name: 'priceOnly',
    predictor: 'declared peak',
    decide(snapshot: Snapshot): Plan {
      const room = freeRoom(snapshot);
      const byNode = instancesByNode(snapshot.instances);
      const evicted = new Set<string>();
      const won: { bid: PendingBid; nodeId: string }[] = [];
      const lost: PendingBid[] = [];
      const preemptions: Preemption[] = [];
      const terminations: Termination[] = [];
      const bids = [...snapshot.bids]
        .filter((b) => b.count === 1)
        .sort((a, b) => b.price - a.price || a.submittedAt - b.submittedAt || a.id.localeCompare(b.id));
      for (const bid of bids) {
        if (bid.price < postedPrice(bid.profile, reserveUnitPrices)) {
          lost.push(bid);
          continue;
        }
        let nodeId = firstFit(snapshot.nodes, room, bid.profile);
        if (nodeId === null) {
          const eviction = cheapestEviction(bid, room, byNode, evicted);
          if (eviction) {
            nodeId = eviction.nodeId;
            for (const victim of eviction.victims) {
              evicted.add(victim.id);
              release(room, victim.nodeId, victim.profile, 1);
              preemptions.push({
                instanceId: victim.id,
                reason: 'outbid',
                preemptorId: bid.id,
                noticeSeconds: 0,
                deadline: snapshot.now,
                penalty: null,
                moveToNodeId: null,
                score: NO_SCORE,
              });
              terminations.push({ instanceId: victim.id, kind: 'preempted', nodeId: null });
            }
          }
        }
        if (nodeId === null) {
          lost.push(bid);
          continue;
        }
        release(room, nodeId, bid.profile, -1);
        won.push({ bid, nodeId });
      }
      // Uniform price: the highest losing bid sets the price per unit of declared peak cpu for the round.
      const highestLoser = lost.reduce((m, b) => Math.max(m, b.price / Math.max(1e-9, b.profile.cpu.peak)), 0);
      const placements: Placement[] = won.map(({ bid, nodeId }) => {
        const reserve = postedPrice(bid.profile, reserveUnitPrices);
        const uniform = highestLoser * bid.profile.cpu.peak;
        return {
          bidId: bid.id,
          nodeIds: [nodeId],
          price: Math.min(bid.price, Math.max(reserve, uniform)),
          effectivePriority: 0,
          score: NO_SCORE,
          predictions: [declaredPeakPrediction(bid.profile)],
          interferenceScores: [0],
        };
      });
      const outcomes: BidOutcome[] = [
        ...lost.map((bid) => unplacedOutcome(bid, snapshot.now, 'outbid', 'bid below the clearing price')),
        ...snapshot.bids
          .filter((b) => b.count !== 1)
          .map((bid): BidOutcome => ({
            bidId: bid.id,
            outcome: 'rejected',
            reason: 'capacity',
            detail: 'the price-only auction sells single instances',
            score: null,
          })),
      ];
      return {
        now: snapshot.now,
        modelVersion: null,
        placements,
        predictions: [],
        outcomes,
        preemptions,
        terminations,
        ledgerEntries: [],
        clearingPrices: { ...reserveUnitPrices, cpu: Math.max(reserveUnitPrices.cpu, highestLoser) },
      };
    },
  };
}
