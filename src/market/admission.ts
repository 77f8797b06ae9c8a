/**
 * What a placed bid's instance carries from its bid and placement: who it belongs to, what it declared, what it pays
 * and its contract. The service (as database rows) and the simulator (as in-memory instances) both apply a placement
 * with these terms, so an admitted instance means the same thing to the next snapshot wherever the plan was applied.
 */
import type { PendingBid, Placement, RunningInstance } from './types.js';

export type AdmissionTerms = Pick<
  RunningInstance,
  'bidId' | 'clientId' | 'bidPrice' | 'price' | 'declaredPriority' | 'effectivePriority' | 'uninterruptible' | 'penalty'
>;

export function admissionTerms(bid: PendingBid, placement: Placement): AdmissionTerms {
  return {
    bidId: bid.id,
    clientId: bid.clientId,
    bidPrice: bid.price,
    price: placement.price,
    declaredPriority: bid.priority ?? bid.profile.priority,
    effectivePriority: placement.effectivePriority,
    uninterruptible: bid.uninterruptible,
    penalty: bid.penalty ?? null,
  };
}
