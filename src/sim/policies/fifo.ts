/**
 * FIFO first-fit: bids in arrival order, each placed on the first node with room for its declared peak; a bid that
 * does not fit waits (later, smaller bids may pass it), and expires after its maxWaitSeconds. No price competition
 * (everyone pays the posted price, capped at the bid), no preemption, no prediction.
 */
import type { BidOutcome, Placement, Plan, Snapshot } from '../../market/types.js';
import { declaredPeakPrediction, firstFit, freeRoom, release, unplacedOutcome } from './peakPacking.js';
import type { Policy } from './policy.js';
import { postedPrice, type UnitPrices } from './postedPrice.js';

const NO_SCORE = { total: 0, terms: [] };

export function fifoPolicy(unitPrices: UnitPrices): Policy {
  return {
    name: 'fifo',
    predictor: 'declared peak',
    decide(snapshot: Snapshot): Plan {
      const room = freeRoom(snapshot);
      const placements: Placement[] = [];
      const outcomes: BidOutcome[] = [];
      const bids = [...snapshot.bids].sort((a, b) => a.submittedAt - b.submittedAt || a.id.localeCompare(b.id));
      for (const bid of bids) {
        const nodeIds: string[] = [];
        for (let i = 0; i < bid.count; i++) {
          const nodeId = firstFit(snapshot.nodes, room, bid.profile);
          if (nodeId === null) break;
          release(room, nodeId, bid.profile, -1);
          nodeIds.push(nodeId);
        }
        if (nodeIds.length === bid.count) {
          placements.push({
            bidId: bid.id,
            nodeIds,
            price: Math.min(bid.price, postedPrice(bid.profile, unitPrices)),
            effectivePriority: 0,
            score: NO_SCORE,
            predictions: nodeIds.map(() => declaredPeakPrediction(bid.profile)),
            interferenceScores: nodeIds.map(() => 0),
          });
          continue;
        }
        for (const nodeId of nodeIds) release(room, nodeId, bid.profile, 1);
        outcomes.push(unplacedOutcome(bid, snapshot.now, 'capacity', 'no node has room for the declared peak'));
      }
      return {
        now: snapshot.now,
        modelVersion: null,
        placements,
        predictions: [],
        outcomes,
        preemptions: [],
        terminations: [],
        ledgerEntries: [],
        clearingPrices: { ...unitPrices },
      };
    },
  };
}
